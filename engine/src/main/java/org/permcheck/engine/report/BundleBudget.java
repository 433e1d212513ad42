package org.permcheck.engine.report;

import java.util.HashMap;
import java.util.Map;

import org.permcheck.engine.model.CaseResult;

/**
 * Bounds the repro bundles of a run: at most {@code perSignature} per {@link FailureSignature}
 * (docs/cli.md, --bundles-per-signature). Only bundles are bounded: every case still counts in the
 * verdict, the counts and the reports, which list each signature with its case count and the
 * bundles kept.
 */
public final class BundleBudget {
    public static final int DEFAULT_PER_SIGNATURE = 3;

    private final int perSignature;
    private final Map<FailureSignature, Integer> written = new HashMap<>();

    public BundleBudget(int perSignature) {
        if (perSignature < 0) throw new IllegalArgumentException("bundles per signature must be 0 or more, not " + perSignature);
        this.perSignature = perSignature;
    }

    /** Counts bundles written before this run (an earlier session of a campaign, {@link Campaign#preload}). */
    public synchronized void written(FailureSignature s, int bundles) {
        written.merge(s, bundles, Integer::sum);
    }

    /** True when this failure gets a bundle (its signature has fewer than the limit so far). */
    public synchronized boolean admit(CaseResult r) {
        FailureSignature s = FailureSignature.of(r);
        int n = written.getOrDefault(s, 0);
        if (n >= perSignature) return false;
        written.put(s, n + 1);
        return true;
    }
}
