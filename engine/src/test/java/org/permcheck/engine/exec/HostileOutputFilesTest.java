package org.permcheck.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.engine.fuzz.CaseRules;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * Issue 9, "outputs are checked, then reopened": output files that attack the engine, through the
 * real path (the runner judging a case of an {@link ExecBackend}), each with its documented status
 * (docs/protocol.md sections 4 and 5). A FIFO never blocks the run until the case limit, a symlink
 * to /etc/passwd is never read, a 1 GiB file is refused before a byte of data is kept, and a file
 * swapped or grown after the reply is either the answer that was named (PASS) or refused (ERROR),
 * never a FAIL judged on other bytes. The backend is hostile_outputs.py beside this test's resources.
 */
class HostileOutputFilesTest {
    static final Path SCRIPT = Path.of("src/test/resources/fake-backends/hostile_outputs.py").toAbsolutePath();
    /** Far above what any refusal takes (a FIFO is refused at the lstat, at worst after the 2 s open limit). */
    static final Duration CASE_LIMIT = Duration.ofSeconds(30);

    @BeforeAll
    static void needPython() {
        assumeTrue(Python.hasPython(), "python3 not found: the hostile output backends need it");
    }

    /** One chunk in identity order: the correct output is inp itself, the map 0..N-1 (S1, S2 by hand). */
    static Case chunkSort() {
        Tensor inp = Tensor.zeros(DType.F32, 64, 256);
        for (long i = 0; i < inp.numel(); i++) inp.setF32(i, i);
        Invocation inv = new Invocation(Op.SORT_CHUNKS, Profile.TE_JAX,
                Map.of(Ports.INP, inp, Ports.SPLIT_SIZES, Tensor.i32(new long[] {1}, 64), Ports.SORTED_INDICES, Tensor.i32(new long[] {1}, 0)),
                Map.of());
        return new Case("hostile/chunk-sort", inv, CaseRules.of(inv), Set.of(), null, "property");
    }

    static CaseResult judge(String mode) {
        RunOptions o = RunOptions.defaults().withDeterminism(false).withCaseTimeout(CASE_LIMIT);
        try (Runner r = new Runner(() -> ExecBackend.forCommand("python3 " + SCRIPT + " " + mode), o)) {
            return r.judge(chunkSort()).result();
        }
    }

    @Test
    void theHonestModePasses() {
        // guards the others: the case and the script are right, so an ERROR below is the refusal
        CaseResult r = judge("good");
        assertEquals(Status.PASS, r.status(), r.detail());
    }

    @ParameterizedTest(name = "{0} -> ERROR ({1})")
    @CsvSource({
            "fifo,      is not a regular file (refused)",
            "directory, is not a regular file (refused)",
            "passwd,    leads outside the case directory (refused): it is a symlink",
            "sparse,    over the limit of",
    })
    void aHostileFileIsAnErrorInOneLineAndFast(String mode, String fragment) {
        long start = System.nanoTime();
        CaseResult r = judge(mode);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Status.ERROR, r.status(), r.detail());
        assertTrue(r.detail().contains(fragment), r.detail());
        assertFalse(r.detail().contains("\n"), "one line: " + r.detail());
        assertFalse(r.detail().contains("root:"), "nothing of /etc/passwd reaches the report: " + r.detail());
        // the refusal is immediate, not the case limit running out (a blocked open would take 30 s)
        assertTrue(millis < CASE_LIMIT.toMillis() / 2, mode + " took " + millis + " ms");
    }

    @ParameterizedTest(name = "{0} after the reply -> the named answer or a refusal")
    @CsvSource({"swap", "grow"})
    void aFileChangedAfterTheReplyIsNeverJudgedOnOtherBytes(String mode) {
        for (int i = 0; i < 3; i++) { // a race: whichever side wins, the verdict is one of these two
            CaseResult r = judge(mode);
            assertTrue(List.of(Status.PASS, Status.ERROR).contains(r.status()), r.status() + " " + r.detail());
            if (r.status() == Status.ERROR) assertTrue(r.detail().contains("over the limit of") || r.detail().contains("bytes after the data"), r.detail());
        }
    }
}
