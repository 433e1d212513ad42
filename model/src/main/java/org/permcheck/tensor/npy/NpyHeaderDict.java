package org.permcheck.tensor.npy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the header dictionary of a .npy file, which is a Python literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}. Only the subset numpy
 * writes is accepted: string keys, string / boolean / tuple-of-int values, optional trailing
 * commas. Anything else is a {@link NpyException} with the offending position.
 */
final class NpyHeaderDict {
    private final String file;
    private final String s;
    private int i;

    private NpyHeaderDict(String file, String s) {
        this.file = file;
        this.s = s;
    }

    /** Values are String, Boolean or long[]. */
    static Map<String, Object> parse(String file, String text) throws NpyException {
        NpyHeaderDict p = new NpyHeaderDict(file, text);
        Map<String, Object> m = p.dict();
        p.ws();
        if (p.i != text.length()) throw p.error("unexpected text after the dictionary");
        return m;
    }

    private Map<String, Object> dict() throws NpyException {
        ws();
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        while (true) {
            ws();
            if (peek() == '}') { i++; return m; }
            String key = string();
            ws();
            expect(':');
            ws();
            if (m.put(key, value()) != null) throw error("duplicate key '" + key + "'");
            ws();
            if (peek() == ',') { i++; continue; }
            ws();
            expect('}');
            return m;
        }
    }

    private Object value() throws NpyException {
        char c = peek();
        if (c == '\'' || c == '"') return string();
        if (c == '(') return tuple();
        if (s.startsWith("True", i)) { i += 4; return Boolean.TRUE; }
        if (s.startsWith("False", i)) { i += 5; return Boolean.FALSE; }
        throw error("expected a string, True, False or a tuple");
    }

    private long[] tuple() throws NpyException {
        expect('(');
        List<Long> dims = new ArrayList<>();
        while (true) {
            ws();
            if (peek() == ')') { i++; break; }
            dims.add(integer());
            ws();
            if (peek() == ',') { i++; continue; }
            ws();
            expect(')');
            break;
        }
        long[] out = new long[dims.size()];
        for (int k = 0; k < out.length; k++) out[k] = dims.get(k);
        return out;
    }

    private long integer() throws NpyException {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        // numpy may write Python 2 longs as "3L"
        String digits = s.substring(start, i);
        if (i < s.length() && s.charAt(i) == 'L') i++;
        if (digits.isEmpty()) throw error("expected a non-negative integer in the shape");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("shape dimension " + digits + " is too large");
        }
    }

    private String string() throws NpyException {
        char q = peek();
        if (q != '\'' && q != '"') throw error("expected a quoted string");
        int end = s.indexOf(q, i + 1);
        if (end < 0) throw error("unterminated string");
        String v = s.substring(i + 1, end);
        i = end + 1;
        return v;
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private char peek() throws NpyException {
        if (i >= s.length()) throw error("header dictionary ends early");
        return s.charAt(i);
    }

    private void expect(char c) throws NpyException {
        if (peek() != c) throw error("expected '" + c + "'");
        i++;
    }

    private NpyException error(String what) {
        String shown = s.strip();
        if (shown.length() > 120) shown = shown.substring(0, 120) + "...";
        return new NpyException(file + ": bad .npy header dictionary: " + what + " at offset " + i + " in " + shown);
    }
}
