package org.permcheck.cuda.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import org.permcheck.contract.Invocation;
import org.permcheck.contract.Ports;
import org.permcheck.cuda.device.CudaDevice;
import org.permcheck.cuda.device.DeviceArena;
import org.permcheck.spi.bench.BenchRequest;
import org.permcheck.spi.bench.DispatchCase;
import org.permcheck.tensor.DType;
import org.permcheck.tensor.Tensor;

/**
 * On a GPU (skipped elsewhere): what CudaBench uploads piece by piece is, read back, the CPU benches'
 * whole call bit for bit (issue 10). The shape makes both real piece sizes bite without dividing the
 * data: rows of 2^19 experts are 2 MiB, so 8 tokens a routing piece and T=11 leaves a short last one;
 * the payload is 11 rows of 7 MiB (77 MiB), one 64 MiB piece and a short 13 MiB one.
 */
class CudaBenchUploadTest {

    @Test
    void piecesUploadedAreTheWholeCallReadBack() {
        CudaDevice.Opening opening = CudaDevice.open();
        assumeTrue(opening.ok(), "no GPU: " + opening.reason());
        BenchRequest r = new BenchRequest(11, 1 << 19, 2, 7L << 19, DType.BF16, true, 0, 42, 0, 1);
        DispatchCase dc = new DispatchCase(r);
        assertTrue(dc.routingPieceTokens() == 8 && dc.payloadBytes() > DispatchCase.PAYLOAD_PIECE_BYTES, "the shape crosses both piece sizes");
        Invocation inv = dc.invocation();
        try (CudaDevice dev = opening.device(); DeviceArena a = new DeviceArena()) {
            dev.makeCurrent();
            long te = r.tokens() * r.experts() * 4;
            CUdeviceptr routing = a.alloc(te), probs = a.alloc(te), mprobs = a.alloc(te), inp = a.alloc(dc.payloadBytes());
            CudaBench.uploadTokenRows(dc, routing, probs, mprobs);
            CudaBench.uploadPayload(dc, inp);
            dev.synchronize();
            assertTrue(inv.input(Ports.ROUTING_MAP).bitEquals(DeviceArena.download(routing, DType.I32, r.tokens(), r.experts())), "routing_map");
            Tensor p = inv.input(Ports.PROBS);
            assertTrue(p.bitEquals(DeviceArena.download(probs, DType.F32, r.tokens(), r.experts())), "probs");
            assertTrue(p.bitEquals(DeviceArena.download(mprobs, DType.F32, r.tokens(), r.experts())), "merging probs are the case's probs");
            assertTrue(inv.input(Ports.INP).bitEquals(DeviceArena.download(inp, DType.BF16, r.tokens(), r.hidden())), "payload");
        }
    }
}
