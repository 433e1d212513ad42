package org.permcheck.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.tensor.Tensor;

/**
 * What the oracle says a call must return.
 *
 * @param values    every output the contract requires, with the exact (bit-faithful) value; an output
 *                  absent here must be absent from a backend's answer too
 * @param specified for outputs where the contract leaves parts free: a BOOL mask of the same shape
 *                  as the output's leading axis (one flag per row) or of the full shape (one flag per
 *                  element, e.g. row_id_map); false = unspecified, never compared
 * @param reference for REDUCTION outputs: the float64 value used for tolerance checks
 */
public record Expected(Map<String, Tensor> values, Map<String, Tensor> specified, Map<String, Tensor> reference) {
    public Expected {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        specified = Collections.unmodifiableMap(new LinkedHashMap<>(specified));
        reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
    }
}
