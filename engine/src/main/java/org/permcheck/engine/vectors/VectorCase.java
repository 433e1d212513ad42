package org.permcheck.engine.vectors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.permcheck.contract.Invocation;

/**
 * One vector before it is written, or as read back: the call and what documents it. Expected
 * outputs are not part of it: they always come from the oracle when the vector is written.
 *
 * @param id          path-like id ("dispatch/worked-example"): lower-case letters, digits, '-', '/'
 * @param description one sentence
 * @param rules       rule ids of docs/spec.md the vector exercises
 * @param features    labels from {@link FeatureLabels}
 * @param invocation  the call
 * @param negative    for a negative vector, the group-X rule the input violates; else null
 * @param generator   for a generated vector: name, version, seed, params (JSON-able values); else empty
 * @param provenance  where it came from ("source": "hand-written" | "recipe" | "fuzz", and details)
 */
public record VectorCase(String id, String description, List<String> rules, List<String> features, Invocation invocation,
                         String negative, Map<String, Object> generator, Map<String, String> provenance) {
    public VectorCase {
        rules = List.copyOf(rules);
        features = List.copyOf(features);
        generator = Collections.unmodifiableMap(new LinkedHashMap<>(generator));
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        if (!id.matches("[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("vector id '" + id + "': use lower-case letters, digits, '-' and '/'");
        }
    }

    public boolean isNegative() { return negative != null; }

    /** The seed when generated, else null. */
    public Long seed() {
        Object s = generator.get("seed");
        return s instanceof Number ? ((Number) s).longValue() : null;
    }
}
