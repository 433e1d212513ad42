package org.permcheck.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.permcheck.engine.exec.ExecBackend;
import org.permcheck.engine.run.BackendFactory;
import org.permcheck.spi.Backend;
import org.permcheck.spi.BackendInfo;
import org.permcheck.spi.BackendProvider;

/**
 * Which backend a command runs against, from {@code --backend}: a registered provider's name
 * ("cpu", "cuda"; META-INF/services), or {@code exec:<command>} for a subprocess speaking the
 * protocol. Without {@code --backend}: CUDA when its provider is present and says it is available
 * here, else CPU; the choice and the reason are printed.
 *
 * @param selector what to pass to --backend to get the same backend again (written into reports)
 * @param info     the backend's self-description, taken from a probe instance
 */
record BackendChoice(String selector, BackendInfo info, BackendFactory factory) implements BackendFactory {

    static final String EXEC_PREFIX = "exec:";

    /** A fresh backend; the runner calls it again after a crash or a timeout. */
    @Override
    public Backend create() throws Exception { return factory.create(); }

    /** Resolves {@code spec} (null = default) and prints the choice on {@code err}. */
    static BackendChoice resolve(String spec, PrintWriter err) {
        Map<String, BackendProvider> providers = providers();
        if (spec == null || spec.isBlank()) return defaultChoice(providers, err);
        if (spec.startsWith(EXEC_PREFIX)) {
            String command = spec.substring(EXEC_PREFIX.length()).trim();
            if (command.isEmpty()) throw new UsageError("--backend exec: needs a command, e.g. --backend 'exec:python3 adapters/python/examples/numpy_port.py'");
            BackendChoice c = probe(spec, () -> ExecBackend.forCommand(command));
            if (!c.info().available()) throw new UsageError("backend '" + spec + "' did not start: " + c.info().unavailable().get());
            announce(err, c, "as asked");
            return c;
        }
        BackendProvider p = providers.get(spec);
        if (p == null) {
            throw new UsageError("unknown backend '" + spec + "' (known: " + String.join(", ", knownNames(providers)) + ")");
        }
        BackendChoice c = probe(spec, p::create);
        if (!c.info().available()) {
            throw new UsageError("backend '" + spec + "' is not available here: " + c.info().unavailable().get());
        }
        announce(err, c, "as asked");
        return c;
    }

    static List<String> knownNames(Map<String, BackendProvider> providers) {
        List<String> names = new ArrayList<>(providers.keySet());
        names.add("exec:<command>");
        return names;
    }

    private static BackendChoice defaultChoice(Map<String, BackendProvider> providers, PrintWriter err) {
        String why = "no cuda backend in this build";
        BackendProvider cuda = providers.get("cuda");
        if (cuda != null) {
            try {
                BackendChoice c = probe("cuda", cuda::create);
                if (c.info().available()) {
                    announce(err, c, "default: CUDA is available");
                    return c;
                }
                why = "cuda not available: " + c.info().unavailable().get();
            } catch (UsageError e) {
                why = "cuda not available: " + e.getMessage();
            }
        }
        BackendProvider cpu = providers.get("cpu");
        if (cpu == null) throw new UsageError("no backend available (the cpu backend is missing from this build)");
        BackendChoice c = probe("cpu", cpu::create);
        announce(err, c, "default; " + why);
        return c;
    }

    /** Makes one instance to read its info, then closes it (backends are created per run by the runner). */
    private static BackendChoice probe(String selector, BackendFactory factory) {
        try (Backend b = factory.create()) {
            return new BackendChoice(selector, b.info(), factory);
        } catch (UsageError e) {
            throw e;
        } catch (Exception e) {
            throw new UsageError("backend '" + selector + "' could not start: " + ErrorHandlers.oneLine(String.valueOf(e.getMessage())));
        } catch (LinkageError e) {
            throw new UsageError("backend '" + selector + "' could not load: " + e);
        }
    }

    private static void announce(PrintWriter err, BackendChoice c, String why) {
        BackendInfo i = c.info();
        err.println(ErrorHandlers.oneLine("permcheck: backend " + c.selector() + " (" + i.name() + " " + i.version() + " on " + i.device() + "; " + why + ")"));
        err.flush();
    }

    static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> out = new LinkedHashMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) out.putIfAbsent(p.name(), p);
        return out;
    }
}
