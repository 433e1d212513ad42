package org.permcheck.engine.check;

import java.util.List;
import java.util.Set;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;

/**
 * One way a backend's answer is judged. Each implementation checks one thing and declares the
 * rules of docs/spec.md it judges ({@link #rules()}); it adds one {@link Violation} per rule broken
 * (with the first mismatch and how many more), citing the most specific of its rules, and never
 * throws for a wrong answer.
 */
public interface Check {
    /** Every rule a violation of this check can cite. */
    Set<Rule> rules();

    void check(CheckContext ctx, List<Violation> out);
}
