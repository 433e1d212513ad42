package org.permcheck.engine.check;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.engine.model.Violation;

/** Every check, in the order their violations are listed in a report. */
public final class Checks {
    private Checks() {}

    public static final List<Check> ALL = List.of(
            new PresenceCheck(),
            new TokensPerExpertCheck(),
            new RowIdMapCheck(),
            new RowIdMapBijectionCheck(),
            new PayloadBitsCheck(),
            new PaddingZeroCheck(),
            new IndexExactCheck(),
            new PadOffsetsMonotoneCheck(),
            new ReductionToleranceCheck(),
            new RoundTripCheck(),
            new DeterminismCheck());

    /** Runs every check; an empty list means the answer conforms. */
    public static List<Violation> run(CheckContext ctx) {
        List<Violation> out = new ArrayList<>();
        for (Check c : ALL) c.check(ctx, out);
        return out;
    }
}
