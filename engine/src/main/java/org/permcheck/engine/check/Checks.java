package org.permcheck.engine.check;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.permcheck.contract.Rule;
import org.permcheck.engine.model.Violation;

/** Every check, in the order their violations are listed in a report. */
public final class Checks {
    private Checks() {}

    public static final List<Check> ALL = List.of(
            new PresenceCheck(),
            new IndexSlotsCheck(),
            new ArgsortCheck(),
            new TokensPerExpertCheck(),
            new RowIdMapCheck(),
            new RowIdMapBijectionCheck(),
            new PayloadBitsCheck(),
            new ZeroProbRowCheck(),
            new PaddingZeroCheck(),
            new ScaleRowsCheck(),
            new PadOffsetsCheck(),
            new IndexExactCheck(),
            new BlockAlignCheck(),
            new PadPermuteCheck(),
            new EpSlabCheck(),
            new InferencePermuteCheck(),
            new PadRoutingMapCheck(),
            new ReductionToleranceCheck(),
            new EmptySumCheck(),
            new RoundTripCheck(),
            new DeterminismCheck(),
            new AdjointCheck(),
            new RelabelCheck(),
            new GuardBandCheck());

    /** Runs every check; an empty list means the answer conforms. */
    public static List<Violation> run(CheckContext ctx) { return run(ALL, ctx); }

    /**
     * The checks of a case judged without the oracle (docs/checks.md, "Relations"): the relations and the
     * guard bands; {@link CheckContext#expected()} is null for them.
     */
    public static final List<Check> ORACLE_FREE = List.of(new AdjointCheck(), new RelabelCheck(), new GuardBandCheck());

    /** Runs the oracle-free checks only. */
    public static List<Violation> runOracleFree(CheckContext ctx) { return run(ORACLE_FREE, ctx); }

    private static List<Violation> run(List<Check> checks, CheckContext ctx) {
        List<Violation> out = new ArrayList<>();
        for (Check c : checks) c.check(ctx, out);
        return out;
    }

    /** Every rule some check can cite (the union of {@link Check#rules()}). */
    public static Set<Rule> judgedRules() {
        Set<Rule> all = EnumSet.noneOf(Rule.class);
        for (Check c : ALL) all.addAll(c.rules());
        return all;
    }
}
