package org.permcheck.zoo;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.engine.cpu.CpuBackend;
import org.permcheck.engine.exec.ExecBackend;

/** The clean backends the zoo's hunt must not flag (no false alarm). */
final class Controls {
    private Controls() {}

    static Mutant cleanCpu() {
        return new Mutant("control:cpu-planted(none)", "cpu", "no planted bug", "-", "-", () -> new PlantedCpuBackend(Bug.NONE));
    }

    static Mutant engineCpu() {
        return new Mutant("control:cpu (engine)", "cpu", "the engine's CPU backend, no bug", "-", "-", CpuBackend::new);
    }

    static Mutant numpyPort() {
        String cmd = "python3 " + Catalogue.numpyPort();
        return new Mutant("control:numpy-port", "protocol", "no planted bug", "-", "-", () -> ExecBackend.forCommand(cmd));
    }

    /** Deviations the contract allows (unspecified slots and rows, another summation order, FMA): each must PASS. */
    static List<Mutant> freedoms() {
        List<Mutant> out = new ArrayList<>();
        for (Bug b : Bug.values()) {
            if (b.freedom) out.add(new Mutant(b.id, "cpu", b.bugClass, b.fieldRef, b.rule, () -> new PlantedCpuBackend(b)));
        }
        // B1: a truncated answer to a probe is within bounds (docs/spec.md B1); hunted with the probes
        PastNumOutDispatch.Mode t = PastNumOutDispatch.Mode.TRUNCATES;
        out.add(new Mutant(t.id, "cpu-robustness", t.bugClass, t.fieldRef, t.rule, () -> new PastNumOutDispatch(t)));
        return out;
    }

    static List<Mutant> all(boolean protocol) {
        List<Mutant> out = new ArrayList<>();
        out.add(cleanCpu());
        out.add(engineCpu());
        out.addAll(freedoms());
        if (protocol) out.add(numpyPort());
        return out;
    }
}
