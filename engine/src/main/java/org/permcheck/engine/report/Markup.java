package org.permcheck.engine.report;

/**
 * Escaping for HTML and XML text and attribute values. Case ids and messages come from generators,
 * vector files and backends, so any of them may hold markup or control characters; everything we
 * put into a document goes through here.
 */
final class Markup {
    private Markup() {}

    /**
     * Escapes {@code & < > " '} and replaces characters XML 1.0 forbids (most C0 controls, lone
     * surrogates, U+FFFE/U+FFFF) with U+FFFD, so the result is valid in text and in quoted attributes
     * of both HTML and XML. Tabs and line feeds are kept; carriage returns become line feeds'
     * neighbours via {@code &#13;} so they survive a parser's line-end normalisation.
     */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': sb.append("&amp;"); break;
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                case '\t': case '\n': sb.append(c); break;
                case '\r': sb.append("&#13;"); break;
                default:
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        sb.append('\uFFFD');
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\uFFFD');
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    /** Like {@link #escape} but for an attribute value: line breaks become character references. */
    static String attr(String s) {
        return escape(s).replace("\n", "&#10;").replace("\t", "&#9;");
    }

    /**
     * A Markdown table cell: no line breaks, pipes escaped, HTML-significant characters as entities
     * (GitHub renders raw HTML in Markdown), backticks escaped so a message cannot open a code span.
     */
    static String mdCell(String s) {
        if (s == null) return "";
        String one = escape(s).replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("&#13;", " ");
        return one.replace("|", "\\|").replace("`", "\\`");
    }

    /**
     * A Markdown code span holding {@code s} literally. Inside a code span a backslash escapes
     * nothing, so a backtick in a backend's name would close the span and let the rest render as
     * Markdown (a fake "CONFORMANT" badge): the span is delimited by a backtick run longer than any
     * in the content, padded with spaces when the content starts or ends with a backtick. Raw HTML
     * is not parsed inside a span; pipes are escaped for GFM tables, which split cells even there.
     */
    static String mdCode(String s) {
        String one = s == null ? "" : s.replace("\r", " ").replace("\n", " ").replace("\t", " ");
        StringBuilder clean = new StringBuilder(one.length());
        for (int i = 0; i < one.length(); i++) {
            char c = one.charAt(i);
            clean.append(c < 0x20 || c == 0x7f ? '\uFFFD' : c);
        }
        String body = clean.toString().replace("|", "\\|");
        String fence = "`".repeat(longestBacktickRun(body) + 1);
        boolean pad = body.isEmpty() || body.startsWith("`") || body.endsWith("`");
        return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
    }

    /** A fence for a Markdown code block that the content cannot close: longer than any backtick run. */
    static String fenceFor(String content) {
        return "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
    }

    private static int longestBacktickRun(String s) {
        int longest = 0, run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
