package org.permcheck.engine.model;

import org.permcheck.contract.Ports;

/**
 * Where a comparison first went wrong, in the terms of the contract. Coordinates that do not apply
 * are -1.
 *
 * @param output   the output's name (Ports.OUTPUT, Ports.ROW_ID_MAP, ...)
 * @param token    the token, when the position maps back to one
 * @param expert   the expert, when known
 * @param row      the row of the output
 * @param column   the column within the row
 * @param expected the expected value, printed (bits shown for floats)
 * @param actual   the actual value, printed
 */
public record Mismatch(String output, long token, long expert, long row, long column, String expected, String actual) {

    public String where() {
        StringBuilder sb = new StringBuilder(output);
        if (token >= 0) sb.append(" token=").append(token);
        if (expert >= 0) sb.append(" expert=").append(expert);
        if (row >= 0) sb.append(" row=").append(row);
        if (column >= 0) sb.append(" column=").append(column);
        return sb.toString();
    }
}
