package org.permcheck.engine.report;

import java.util.List;
import java.util.regex.Pattern;

/** POSIX-shell quoting for the replay commands we print and write into replay.sh. */
public final class ShellQuote {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {}

    /** The word as one shell argument: unchanged when it is safe, else single-quoted. */
    public static String word(String s) {
        if (!s.isEmpty() && SAFE.matcher(s).matches()) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(word(w));
        }
        return sb.toString();
    }
}
