package org.permcheck.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.permcheck.contract.PreconditionViolation;
import org.permcheck.engine.model.Case;
import org.permcheck.engine.model.Robustness;
import org.permcheck.engine.run.ProbeCases;
import org.permcheck.engine.vectors.VectorSet;

/**
 * Without a GPU: the CUDA backend refuses every precondition probe on the host, under the probe's
 * X rule, before it looks for a device or launches a kernel (docs/spec.md B1; docs/cuda.md).
 */
class HostPreconditionsTest {
    @Test
    void everyProbeIsRefusedOnTheHostUnderItsRule() throws Exception {
        List<Case> probes = ProbeCases.all(VectorSet.negatives(Path.of("..", "vectors")));
        try (CudaBackend b = new CudaBackend()) {
            for (Case c : probes) {
                PreconditionViolation v = assertThrows(PreconditionViolation.class, () -> b.run(c.invocation()), c.id());
                assertEquals(Robustness.probedRule(c.id()), v.rule(), c.id() + ": " + v.getMessage());
            }
        }
    }
}
