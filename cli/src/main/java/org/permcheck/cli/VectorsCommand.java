package org.permcheck.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder: owned by the vectors/protocol work (issue 4). */
@Command(name = "vectors", description = "not yet available")
public final class VectorsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("permcheck vectors: not yet available");
        return 2;
    }
}
