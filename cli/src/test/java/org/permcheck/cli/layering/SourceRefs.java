package org.permcheck.cli.layering;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one Java source file says about itself and its neighbours: its package and every package of
 * ours it names, by import or by a fully qualified name in the code (comments and string literals
 * are blanked first, so a javadoc mention or a message text is no dependency).
 */
record SourceRefs(String file, String pkg, Set<String> refs) {
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** org.permcheck.a.b.Type: the package is every lower-case segment before the first capitalised one. */
    private static final Pattern QUALIFIED = Pattern.compile("\\borg\\.permcheck(?:\\.[a-z_][\\w]*)+(?=\\.[A-Z])");
    /** import org.permcheck.a.b.*; names the package itself. */
    private static final Pattern WILDCARD = Pattern.compile("\\bimport\\s+(org\\.permcheck(?:\\.[a-z_][\\w]*)+)\\.\\*\\s*;");

    static SourceRefs parse(String file, String text) {
        String code = blankCommentsAndStrings(text);
        Matcher p = PACKAGE.matcher(code);
        if (!p.find()) throw new IllegalArgumentException(file + ": no package declaration");
        String pkg = p.group(1);
        Set<String> refs = new LinkedHashSet<>();
        Matcher q = QUALIFIED.matcher(code);
        while (q.find()) if (!q.group().equals(pkg)) refs.add(q.group());
        Matcher w = WILDCARD.matcher(code);
        while (w.find()) if (!w.group(1).equals(pkg)) refs.add(w.group(1));
        return new SourceRefs(file, pkg, refs);
    }

    /** Replaces comments, string and char literals by spaces (line breaks kept). */
    static String blankCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') { out.append(' '); i++; }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) out.append(s.charAt(i) == '\n' ? '\n' : ' ');
            } else if (c == '"' || c == '\'') {
                boolean block = c == '"' && s.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : String.valueOf(c);
                out.append(' ');
                i += block ? 3 : 1;
                while (i < n && !s.startsWith(close, i)) {
                    if (s.charAt(i) == '\\' && i + 1 < n) { out.append("  "); i += 2; continue; }
                    out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                    i++;
                }
                i = Math.min(n, i + close.length());
                out.append(" ".repeat(close.length()));
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
