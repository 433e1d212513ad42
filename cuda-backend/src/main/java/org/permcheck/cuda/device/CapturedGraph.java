package org.permcheck.cuda.device;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

/**
 * The launches of a piece of work recorded once as a CUDA graph and replayed with one launch: how the
 * benchmark takes JCuda's host launch latency (about 15 to 25 µs a launch, docs/cuda.md "Speed") out of
 * the decode-size timings, as a CUDA graph does for TE's PyTorch ops (issue 16's decode table).
 *
 * <p>The legacy default stream, on which every op enqueues, cannot be captured, so the device's stream
 * is a fresh blocking stream while the work runs; the replay goes to the legacy stream again. Work that
 * synchronises or copies to the host cannot be captured: {@link #capture} then throws JCuda's exception.
 */
public final class CapturedGraph implements AutoCloseable {
    private final CudaDevice dev;
    private final CUgraph graph;
    private final CUgraphExec exec;

    private CapturedGraph(CudaDevice dev, CUgraph graph, CUgraphExec exec) {
        this.dev = dev;
        this.graph = graph;
        this.exec = exec;
    }

    public static CapturedGraph capture(CudaDevice dev, Runnable work) {
        CUstream s = new CUstream();
        cuStreamCreate(s, CUstream_flags.CU_STREAM_DEFAULT);
        CUgraph g = new CUgraph();
        CUstream legacy = dev.swapStream(s);
        try {
            cuStreamBeginCapture(s, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
            RuntimeException failed = null;
            try {
                work.run();
            } catch (RuntimeException e) {
                failed = e;
            }
            try {
                cuStreamEndCapture(s, g);
            } catch (RuntimeException e) { // an invalidated capture: the work's own error says why
                if (failed == null) failed = e;
            }
            if (failed != null) throw failed;
        } finally {
            dev.swapStream(legacy);
            cuStreamDestroy(s);
        }
        CUgraphExec e = new CUgraphExec();
        try {
            cuGraphInstantiate(e, g, 0);
        } catch (RuntimeException ex) {
            cuGraphDestroy(g);
            throw ex;
        }
        return new CapturedGraph(dev, g, e);
    }

    /** Enqueues one replay on the device's (legacy) stream. */
    public void launch() {
        cuGraphLaunch(exec, dev.stream());
    }

    @Override
    public void close() {
        cuGraphExecDestroy(exec);
        cuGraphDestroy(graph);
    }
}
