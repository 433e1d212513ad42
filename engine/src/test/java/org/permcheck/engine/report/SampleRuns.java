package org.permcheck.engine.report;

import java.util.List;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Mismatch;
import org.permcheck.engine.model.RunInfo;
import org.permcheck.engine.model.RunResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;

/** Hand-made runs for the report tests (the engine's run API is tested on its own). */
final class SampleRuns {
    /** A case id and a message an attacker (or a careless generator) might produce. */
    static final String HOSTILE_ID = "vec/<script>alert('x')</script>&\"q\"|`` ```\u0001\u0007";
    static final String HOSTILE_MSG = "token_dispatch(inp=bf16[4, 8]) returned </pre><img src=x onerror=alert(1)> ``` | & ]]> \u0000";

    private SampleRuns() {}

    static RunInfo info() {
        return new RunInfo("0.1.0-SNAPSHOT", "abc1234", List.of("permcheck", "run", "--tier", "quick"), "quick",
                List.of(42L, -7046029254386353131L), Map.of("name", "cpu", "version", "0.1", "device", "CPU, 2 threads"),
                "17.0.15 (Debian)", "2026-11-26T13:00:00Z", 1234);
    }

    /** 3 PASS, 2 FAIL (one hostile), 1 NOT_SUPPORTED, 1 TIMEOUT; not conformant. */
    static RunResult mixed() {
        Violation d2 = new Violation("D2", "token_dispatch(inp=f32[4, 8], routing_map=i32[4, 2], num_out_tokens=6) output row 3 differs",
                new Mismatch("output", 1, 0, 3, 5, "0x3f800000 (1.0)", "0x00000000 (0.0)"), 12);
        Violation hostile = new Violation("N1", HOSTILE_MSG, null, 0);
        List<CaseResult> results = List.of(
                new CaseResult("vec/dispatch-worked-example", "token_dispatch", List.of("D1", "D2"), List.of("probs"), Status.PASS,
                        List.of(), null, 150_000, 1_024, null, null, null),
                new CaseResult("prop/dispatch/seed=42/1", "token_dispatch", List.of("D2", "D10"), List.of("topk>1"), Status.PASS,
                        List.of(), null, 2_000_000, 262_144, 42L, null, null),
                new CaseResult("prop/combine/seed=42/2", "token_combine", List.of("C1"), List.of(), Status.PASS,
                        List.of(), null, 90_000, 64, 42L, null, null),
                new CaseResult("prop/dispatch/seed=42/3", "token_dispatch", List.of("D2"), List.of("block_padding"), Status.FAIL,
                        List.of(d2), null, 300_000, 4_096, 42L, "T=4 E=2 topk=1 H=8 f32, token 1 routed to expert 0",
                        "reports/x/repro/prop_dispatch_seed_42_3-0badf00d"),
                new CaseResult(HOSTILE_ID, "token_dispatch", List.of("N1"), List.of("dtype:bf16"), Status.FAIL,
                        List.of(hostile), null, 10, 0, null, null, "reports/x/repro/it's here"),
                new CaseResult("vec/fp8", "token_dispatch", List.of("D2"), List.of("dtype:f8e4m3", "probs"), Status.NOT_SUPPORTED,
                        List.of(), "dtype f8e4m3 not implemented", 0, 512, null, null, null),
                new CaseResult("prop/combine/seed=42/9", "token_combine", List.of("C1", "C5"), List.of(), Status.TIMEOUT,
                        List.of(), "no answer within 60 s", 60_000_000_000L, 1L << 30, 42L, null, null));
        return new RunResult(info(), results, Map.of("probs", 2L, "topk>1", 1L), false, List.of("xfail vec/old matched no case"));
    }

    /** Two PASS and a NOT_SUPPORTED; conformant. */
    static RunResult clean() {
        List<CaseResult> results = List.of(
                new CaseResult("vec/a", "token_dispatch", List.of("D1"), List.of(), Status.PASS, List.of(), null, 1000, 100, null, null, null),
                new CaseResult("vec/b", "token_combine", List.of("C1"), List.of(), Status.PASS, List.of(), null, 2000, 200, null, null, null),
                new CaseResult("vec/c", "token_combine", List.of("C1"), List.of("merging_probs"), Status.NOT_SUPPORTED, List.of(),
                        "merging_probs not implemented", 0, 200, null, null, null));
        return new RunResult(info(), results, Map.of(), true, List.of());
    }
}
