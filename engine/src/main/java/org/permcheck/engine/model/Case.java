package org.permcheck.engine.model;

import java.util.List;
import java.util.Set;

import org.permcheck.contract.Invocation;

/**
 * One conformance case: a call to make, and where it came from.
 *
 * @param id         stable, greppable id ("vec/dispatch-worked-example", "prop/dispatch/seed=42/17")
 * @param invocation the call
 * @param rules      the rule ids the case exercises (docs/spec.md)
 * @param features   feature labels from the closed list (docs/vectors.md), for coverage statistics
 * @param seed       the generator seed, or null for hand-written vectors
 * @param origin     "vector", "property" or "fuzz"
 */
public record Case(String id, Invocation invocation, List<String> rules, Set<String> features, Long seed, String origin) {
    public Case {
        rules = List.copyOf(rules);
        features = Set.copyOf(features);
    }
}
