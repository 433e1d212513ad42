package org.permcheck.engine.report;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A case id made safe as one directory name: letters, digits, '.', '_' and '-' only, no leading dot,
 * at most 96 characters. When anything had to change, eight hex digits of the id's CRC-32 are
 * appended, so ids that differ only in replaced characters ("a/b", "a:b") still get distinct
 * directories.
 */
public final class BundleName {
    static final int MAX = 96;

    private BundleName() {}

    public static String of(String caseId) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < caseId.length(); i++) {
            char c = caseId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
            sb.append(ok ? c : '_');
        }
        if (sb.length() > 0 && sb.charAt(0) == '.') sb.setCharAt(0, '_');
        String s = sb.length() > MAX ? sb.substring(0, MAX) : sb.toString();
        if (s.equals(caseId) && !s.isEmpty()) return s;
        CRC32 crc = new CRC32();
        crc.update(caseId.getBytes(StandardCharsets.UTF_8));
        return (s.isEmpty() ? "case" : s) + "-" + String.format("%08x", crc.getValue());
    }
}
