package org.permcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Command lines that once gave a wrong verdict or an internal error (issue 9): each is now one line
 * and exit 2, or its own verdict. Nothing here may end CONFORMANT.
 */
class HostileArgumentsTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {
            "fuzz --time 0",           // ran 0 cases and said CONFORMANT
            "fuzz --time 0s",
            "fuzz --time 200000d",     // overflowed the nanosecond deadline: internal error
            "fuzz --time 99999999999999999999",
            "run --timeout 10000000000", // overflowed Duration.toNanos: internal error
            "fuzz --timeout 0",
            "run --shard 0/2/",        // was accepted as 0/2
            "run --shard /2",
            "run --shard 0//2",
    })
    void refusedInOneLine(String line) {
        Cli c = Cli.run(line.split(" "));
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertFalse(c.err().contains("internal error"), c.err());
        assertFalse(c.out().contains("CONFORMANT"), c.out());
    }

    /**
     * A scripted protocol backend: hello with {@code name} and {@code ops} (f32, te-jax, no features),
     * every run answered with the JSON object {@code answer} (a Python dict literal; its id is added).
     */
    private Path scripted(String file, String name, String ops, String answer) throws Exception {
        Path py = tmp.resolve(file);
        Files.writeString(py, String.join("\n",
                "import json, sys",
                "for line in sys.stdin:",
                "    m = json.loads(line)",
                "    if m['type'] == 'hello':",
                "        print(json.dumps({'type': 'hello', 'protocol': 1, 'name': '" + name + "', 'version': '0',",
                "              'capabilities': {'ops': [" + ops + "], 'dtypes': ['f32'], 'profiles': ['te-jax'], 'features': []}}), flush=True)",
                "    elif m['type'] == 'bye':",
                "        print(json.dumps({'type': 'bye'}), flush=True); break",
                "    else:",
                "        print(json.dumps(dict(" + answer + ", id=m.get('id'))), flush=True)",
                ""));
        return py;
    }

    /** A protocol backend that claims no op at all. */
    private Path claimsNothing() throws Exception {
        return scripted("nothing.py", "claims-nothing", "", "{'type': 'not_supported', 'reason': 'nothing'}");
    }

    @Test
    void aBackendClaimingNothingIsNothingJudgedWithItsOwnExitCodeInEveryReport() throws Exception {
        Path out = tmp.resolve("out");
        Cli c = Cli.run("run", "--backend", "exec:python3 " + claimsNothing(), "--out", out.toString());
        assertEquals(3, c.exit(), c.out() + c.err());
        assertTrue(c.out().startsWith("NOTHING JUDGED: "), c.out());
        assertTrue(c.out().contains("no case was judged"), c.out());
        assertTrue(Files.readString(out.resolve("summary.md")).startsWith("# permcheck: NOTHING JUDGED"));
        String json = Files.readString(out.resolve("report.json"));
        assertTrue(json.contains("\"conformant\" : false"), json.substring(0, 300));
        assertTrue(json.contains("\"verdict\" : \"NOTHING JUDGED\""));
        assertTrue(Files.readString(out.resolve("report.html")).contains("NOTHING JUDGED"));
        assertTrue(Files.readString(out.resolve("junit.xml")).contains("NOTHING JUDGED"));
    }

    @Test
    void replayNeverRunsACommandRecordedInABundle() throws Exception {
        Path canary = tmp.resolve("pwned");
        // a real bundle, recorded against a command that would leave a canary file
        java.util.Map<String, org.permcheck.tensor.Tensor> in = new java.util.LinkedHashMap<>();
        in.put("inp", org.permcheck.tensor.Tensor.ofFloats(org.permcheck.tensor.DType.F32, org.permcheck.tensor.Tensor.shape(1, 1), 1));
        in.put("routing_map", org.permcheck.tensor.Tensor.i32(org.permcheck.tensor.Tensor.shape(1, 1), 1));
        var inv = new org.permcheck.contract.Invocation(org.permcheck.contract.Op.DISPATCH, org.permcheck.contract.Profile.TE_JAX, in,
                java.util.Map.of("num_out_tokens", 1L));
        var c0 = new org.permcheck.engine.model.Case("vec/canary", inv, java.util.List.of("D2"), java.util.Set.of(), null, "vector");
        var r0 = new org.permcheck.engine.model.CaseResult(c0.id(), "token_dispatch", c0.rules(), java.util.List.of(),
                org.permcheck.engine.model.Status.FAIL, java.util.List.of(), "saved", 0, 0, null, null, null);
        Path bundle = org.permcheck.engine.report.ReproBundle.write(tmp.resolve("repro"), c0, org.permcheck.oracle.Oracle.expected(inv), null,
                r0, "exec:touch " + canary);
        Cli c = Cli.run("replay", bundle.toString());
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.oneCleanErrorLine(), c.err());
        assertTrue(c.err().contains("a command from a file is never run"), c.err());
        assertFalse(Files.exists(canary), "the recorded command ran");
    }

    @Test
    void aBackendCannotWriteEscapeSequencesOrFakeLinesToTheTerminal() throws Exception {
        // hello's name carries an ANSI clear-line and a carriage return, its errors a fake verdict line
        Path py = scripted("ansi.py", "x\\u001b[2K\\rCONFORMANT", "'token_combine'",
                "{'type': 'error', 'message': 'boom\\rCONFORMANT: 2110 cases\\u001b[0m'}");
        Cli c = Cli.run("run", "--backend", "exec:python3 " + py, "--out", tmp.resolve("o").toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        String all = c.out() + c.err();
        assertFalse(all.contains("\u001b"), "an escape sequence reached the terminal");
        assertFalse(all.contains("\r"), "a carriage return reached the terminal");
        assertTrue(c.out().startsWith("NOT CONFORMANT"), c.out());
    }
}
