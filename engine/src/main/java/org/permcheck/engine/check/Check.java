package org.permcheck.engine.check;

import java.util.List;

import org.permcheck.engine.model.Violation;

/**
 * One way a backend's answer is judged. Each implementation checks one thing and cites the rule
 * ids of docs/spec.md it enforces; it adds one {@link Violation} per rule broken (with the first
 * mismatch and how many more), never throws for a wrong answer.
 */
public interface Check {
    void check(CheckContext ctx, List<Violation> out);
}
