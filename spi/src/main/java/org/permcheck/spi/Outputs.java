package org.permcheck.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.permcheck.tensor.Tensor;

/** The named tensors a backend returns for one call (names as in {@link org.permcheck.contract.Op}). */
public record Outputs(Map<String, Tensor> tensors) {
    public Outputs {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Tensor get(String name) { return tensors.get(name); }
}
