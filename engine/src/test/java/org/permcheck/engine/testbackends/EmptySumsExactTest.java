package org.permcheck.engine.testbackends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.permcheck.contract.Op;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Shard;
import org.permcheck.engine.run.Tier;
import org.permcheck.engine.vectors.VectorSet;

/**
 * C3, G1, G4 say exactly +0.0 where a reduction sums no term. A backend writing -0.0 or a denormal
 * there (both within the C5 tolerance of 0, which is how they passed every quick case before) is
 * NOT conformant on the quick tier, and each failing case of the op cites exactly that rule.
 */
class EmptySumsExactTest {

    @ParameterizedTest(name = "{0} writing {1} -> [{2}]")
    @CsvSource({
        "COMBINE, NEGATIVE_ZERO, C3",
        "COMBINE, DENORMAL, C3",
        "DISPATCH_BACKWARD, NEGATIVE_ZERO, G1",
        "DISPATCH_BACKWARD, DENORMAL, G1",
        "COMBINE_BACKWARD, NEGATIVE_ZERO, G4",
        "COMBINE_BACKWARD, DENORMAL, G4",
    })
    void almostZeroWhereTheSumIsEmptyFailsTheQuickTier(Op op, EmptySumGarbageBackend.Fill fill, String rule) throws Exception {
        List<Case> cases = Tier.QUICK.cases(Tier.DEFAULT_SEED, Shard.ALL, VectorSet.load(Path.of("..", "vectors")));
        RunResult r;
        try (Runner runner = new Runner(() -> new EmptySumGarbageBackend(op, fill), RunOptions.defaults())) {
            r = runner.run(cases);
        }
        assertFalse(r.conformant(), "an almost-zero empty sum must not be conformant");
        Map<String, Op> opOf = cases.stream().collect(Collectors.toMap(Case::id, k -> k.invocation().op(), (x, y) -> x));
        List<CaseResult> failedOfOp = r.results().stream()
                .filter(c -> c.status() == Status.FAIL && opOf.get(c.caseId()) == op).collect(Collectors.toList());
        assertFalse(failedOfOp.isEmpty(), "no " + op + " case failed");
        for (CaseResult c : failedOfOp) {
            Set<String> rules = c.violations().stream().map(Violation::rule).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(rule), rules, c.caseId() + " " + c.violations());
            Violation v = c.violations().get(0);
            assertTrue(v.first().expected().contains("(0x") && v.first().expected().startsWith("0.0"), v.render());
        }
        // whatever else fails is the round trip through the same combine (R2: +0.0 for tokens routed nowhere)
        Set<String> others = r.results().stream().filter(c -> c.status() != Status.PASS && !failedOfOp.contains(c))
                .flatMap(c -> c.violations().stream().map(Violation::rule)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(Set.of("R2").containsAll(others), others.toString());
        System.out.println(op + " " + fill + ": " + failedOfOp.size() + " cases FAIL, e.g. " + failedOfOp.get(0).violations().get(0).render());
    }
}
