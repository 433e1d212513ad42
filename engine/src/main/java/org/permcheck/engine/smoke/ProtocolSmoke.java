package org.permcheck.engine.smoke;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.permcheck.contract.Attrs;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Op;
import org.permcheck.contract.Ports;
import org.permcheck.contract.Profile;
import org.permcheck.engine.exec.BackendStartException;
import org.permcheck.engine.exec.ExecBackend;
import org.permcheck.engine.exec.MessageChannel;
import org.permcheck.engine.exec.ProtocolException;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.CaseResult;
import org.permcheck.engine.model.Status;
import org.permcheck.engine.model.Violation;
import org.permcheck.engine.run.RunOptions;
import org.permcheck.engine.run.Runner;
import org.permcheck.engine.run.Verdict;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.Capabilities;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * {@code permcheck smoke}: checks that an adapter speaks the protocol (docs/protocol.md) before any
 * conformance run: hello, one trivial case judged by the checks, malformed requests answered with
 * an error while the backend keeps serving, and bye. One verdict per check. Above both the
 * protocol client ({@code engine.exec}) and the runner ({@code engine.run}): the trivial case takes
 * the one path from a case to a status, {@link Runner#judge}.
 */
public final class ProtocolSmoke {
    private ProtocolSmoke() {}

    /** One check's verdict; {@link #line()} is what the command prints. */
    public record Check(String name, boolean ok, String detail) {
        public String line() { return String.format("%-4s %-18s %s", ok ? "PASS" : "FAIL", name, detail); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static List<Check> run(String command, Duration limit) {
        List<Check> out = new ArrayList<>();
        BackendInfo info;
        try (ExecBackend b = ExecBackend.forCommand(command)) {
            try {
                info = b.info();
            } catch (BackendStartException e) {
                out.add(new Check("hello", false, e.getMessage()));
                return out;
            }
            out.add(new Check("hello", info.available(), describe(info)));
            if (!info.available()) return out;
            out.add(trivialCase(command, info.capabilities(), limit));
        }
        out.addAll(rawChecks(command, limit));
        return out;
    }

    static String describe(BackendInfo i) {
        Capabilities c = i.capabilities();
        String head = i.name() + " " + i.version() + " on " + i.device() + ", protocol " + i.details().getOrDefault("protocol", "?");
        if (!i.available()) return head + "; unavailable: " + i.unavailable().get();
        return head + "; claims " + c.ops().size() + " ops, dtypes " + c.dtypes().stream().map(DType::id).sorted().collect(Collectors.joining(","))
                + ", profiles " + String.join(",", new java.util.TreeSet<>(c.profiles())) + ", features "
                + c.features().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT)).sorted().collect(Collectors.joining(","));
    }

    /** The smallest call of the first claimed op, judged by the engine's checks against the oracle. */
    static Check trivialCase(String command, Capabilities caps, Duration limit) {
        Invocation inv = trivial(caps);
        if (inv == null) return new Check("trivial case", false, "the backend claims no op permcheck has a trivial case for");
        Case c = new Case("smoke/" + inv.op().wireName(), inv, List.of(), java.util.Set.of(), null, "smoke");
        RunOptions o = RunOptions.defaults().withTier("smoke").withDeterminism(false).withRoundTrip(false).withCaseTimeout(limit);
        try (Runner r = new Runner(() -> ExecBackend.forCommand(command), o)) {
            Verdict v = r.judge(c);
            CaseResult res = v.result();
            String what = inv.describe();
            if (res.status() == Status.PASS) return new Check("trivial case", true, what + ": PASS");
            String why = res.detail() != null ? res.detail()
                    : res.violations().stream().map(Violation::render).findFirst().orElse("");
            return new Check("trivial case", false, what + ": " + res.status() + " " + why);
        }
    }

    static Invocation trivial(Capabilities caps) {
        DType d = caps.dtypes().contains(DType.F32) ? DType.F32 : caps.dtypes().stream().findFirst().orElse(DType.F32);
        String profile = caps.profiles().contains(Profile.TE_JAX.id()) ? Profile.TE_JAX.id() : caps.profiles().stream().findFirst().orElse("te-jax");
        Profile p = Profile.byId(profile);
        Tensor inp = Tensor.zeros(d, 2, 2);
        for (long i = 0; i < 4; i++) inp.setBits(i, (i + 1) * 0x11);
        if (caps.ops().contains(Op.DISPATCH)) {
            Map<String, Long> attrs = new LinkedHashMap<>();
            attrs.put(Attrs.NUM_OUT_TOKENS, 2L);
            if (p.paddingRequired()) attrs.put(Attrs.ALIGN_SIZE, 1L);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put(Ports.INP, inp);
            in.put(Ports.ROUTING_MAP, Tensor.i32(new long[] {2, 2}, 0, 1, 1, 0));
            return new Invocation(Op.DISPATCH, p, in, attrs);
        }
        if (caps.ops().contains(Op.SORT_CHUNKS)) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put(Ports.INP, inp);
            in.put(Ports.SPLIT_SIZES, Tensor.i32(new long[] {2}, 1, 1));
            in.put(Ports.SORTED_INDICES, Tensor.i32(new long[] {2}, 1, 0));
            return new Invocation(Op.SORT_CHUNKS, p, in, Map.of());
        }
        return null;
    }

    /** Malformed requests and bye, on a fresh process spoken to line by line. */
    static List<Check> rawChecks(String command, Duration limit) {
        List<Check> out = new ArrayList<>();
        MessageChannel p = null;
        try {
            p = MessageChannel.start(command);
            MessageChannel proc = p;
            Future<?> kill = proc.killAfter(limit.multipliedBy(4));
            proc.ask("{\"type\":\"hello\",\"protocol\":1,\"suite\":\"permcheck smoke\",\"scratch\":\"" + System.getProperty("java.io.tmpdir") + "\"}");
            boolean[] dead = {false};
            out.add(expectError(proc, dead, "not JSON", "this is not JSON {"));
            out.add(expectError(proc, dead, "unknown type", "{\"type\":\"frobnicate\",\"id\":41}"));
            out.add(expectError(proc, dead, "run without fields", "{\"type\":\"run\",\"id\":42}"));
            String bye = proc.ask("{\"type\":\"bye\"}");
            Integer status = proc.exitStatus(2000);
            kill.cancel(false);
            boolean byeOk = bye != null && "bye".equals(type(bye));
            out.add(new Check("bye", byeOk && status != null && status == 0,
                    (byeOk ? "answered bye" : "answered " + abbreviate(bye)) + ", " + (status == null ? "still running after 2 s (killed)" : "exit status " + status)));
        } catch (Exception e) {
            out.add(new Check("malformed requests", false, "cannot talk to the backend: " + MessageChannel.oneLine(e.getMessage())));
        } finally {
            if (p != null) p.kill();
        }
        return out;
    }

    private static Check expectError(MessageChannel p, boolean[] dead, String name, String line) throws ProtocolException {
        if (dead[0] || !p.alive()) return new Check("malformed: " + name, false, "not reached: the backend has exited");
        String answer = p.ask(line);
        if (answer == null) {
            dead[0] = true;
            String tail = p.stderrTail(300);
            return new Check("malformed: " + name, false, "the backend died on it" + (tail.isEmpty() ? "" : "; stderr: " + tail));
        }
        String t = type(answer);
        return new Check("malformed: " + name, "error".equals(t), "error".equals(t) ? "answered error and kept serving" : "answered " + abbreviate(answer));
    }

    private static String type(String answer) {
        try {
            JsonNode n = JSON.readTree(answer);
            return n != null && n.isObject() ? n.path("type").asText(null) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        if (s == null) return "nothing";
        String t = MessageChannel.oneLine(s);
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }
}
