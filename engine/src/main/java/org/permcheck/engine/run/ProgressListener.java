package org.permcheck.engine.run;

import org.permcheck.engine.model.CaseResult;

/** Told after every case, from the runner's thread (the CLI draws its bar from it). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total, result) -> {};

    /**
     * @param done   cases finished so far, this one included
     * @param total  cases planned, or -1 when unknown (a fuzz run with a time budget)
     * @param result the verdict just reached
     */
    void onCase(long done, long total, CaseResult result);
}
