package org.permcheck.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.tensor.Tensor;

/**
 * The named tensors a backend returns for one call (names as in {@link org.permcheck.contract.Op}),
 * and the guard bands around them it found changed ({@link GuardBreach}, docs/spec.md B2; empty
 * for a backend that keeps no guard bands or found them intact).
 */
public record Outputs(Map<String, Tensor> tensors, List<GuardBreach> breaches) {
    public Outputs {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        breaches = breaches == null ? List.of() : List.copyOf(breaches);
    }

    /** Outputs with no guard breach. */
    public Outputs(Map<String, Tensor> tensors) { this(tensors, List.of()); }

    public Tensor get(String name) { return tensors.get(name); }
}
