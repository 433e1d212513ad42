package org.permcheck.cli.layering;

import java.util.List;

/**
 * The floors of docs/architecture.md as data: which module holds a package and which floors it may
 * import. A package of ours that no floor claims is itself a finding (give it a floor here).
 */
final class Floors {
    private Floors() {}

    /** One floor: the package prefixes it owns, the module directory they live in, the floors below it. */
    record Floor(String name, String module, List<String> prefixes, List<String> mayImport) {
        boolean owns(String pkg) {
            for (String p : prefixes) if (pkg.equals(p) || pkg.startsWith(p + ".")) return true;
            return false;
        }
    }

    /**
     * Ground: model. Then oracle, spi and spi.bench side by side (none sees another: the SPI's front
     * package knows nothing of benchmarks). Engine's packages
     * are floors of their own so that its inner order is checked too: lower ones never import
     * higher ones, peers never import each other. cuda-backend sees only spi + model (the engine
     * finds it through ServiceLoader; cli never imports it).
     */
    static final List<Floor> HOUSE = List.of(
            floor("model", "model", List.of("org.permcheck.tensor", "org.permcheck.contract")),
            floor("oracle", "oracle", List.of("org.permcheck.oracle"), "model"),
            floor("spi", "spi", List.of("org.permcheck.spi"), "model"),
            // the benchmark types (issue 10): beside the SPI's front package, seen only by the benches' floors
            floor("spi.bench", "spi", List.of("org.permcheck.spi.bench"), "model"),
            floor("engine.model", "engine", List.of("org.permcheck.engine.model"), "model", "spi"),
            // the call as JSON + .npy files (protocol request, vector manifest, repro bundle): model only
            floor("engine.codec", "engine", List.of("org.permcheck.engine.codec"), "model"),
            // the engine's first floor: independent of one another
            floor("engine.check", "engine", List.of("org.permcheck.engine.check"), "model", "spi", "oracle", "engine.model"),
            floor("engine.fuzz", "engine", List.of("org.permcheck.engine.fuzz"), "model", "spi", "oracle", "engine.model"),
            floor("engine.cpu", "engine", List.of("org.permcheck.engine.cpu"), "model", "spi"),
            // the second: the protocol client and the vector set build on generators, never on the runner
            floor("engine.exec", "engine", List.of("org.permcheck.engine.exec"), "model", "engine.codec", "spi", "spi.bench", "oracle", "engine.model", "engine.fuzz"),
            floor("engine.vectors", "engine", List.of("org.permcheck.engine.vectors"), "model", "engine.codec", "spi", "oracle", "engine.model", "engine.fuzz", "engine.check"),
            // the third: the runner (case -> status) and the reports of its results
            floor("engine.run", "engine", List.of("org.permcheck.engine.run"), "model", "engine.codec", "spi", "oracle", "engine.model", "engine.check", "engine.fuzz", "engine.cpu", "engine.exec", "engine.vectors"),
            // above the runner and the protocol client: permcheck smoke drives one case through the runner
            floor("engine.ep", "engine", List.of("org.permcheck.engine.ep"), "model", "spi", "oracle", "engine.model", "engine.exec"),
            floor("engine.smoke", "engine", List.of("org.permcheck.engine.smoke"), "model", "engine.codec", "spi", "oracle", "engine.model", "engine.check", "engine.fuzz", "engine.cpu", "engine.exec", "engine.vectors", "engine.run"),
            floor("engine.report", "engine", List.of("org.permcheck.engine.report"), "model", "engine.codec", "spi", "oracle", "engine.model", "engine.check", "engine.fuzz", "engine.vectors"),
            floor("engine.tck", "engine", List.of("org.permcheck.engine.tck"), "model", "engine.codec", "spi", "oracle", "engine.model", "engine.check", "engine.fuzz", "engine.cpu", "engine.exec", "engine.vectors", "engine.run", "engine.report"),
            floor("cuda", "cuda-backend", List.of("org.permcheck.cuda"), "model", "spi", "spi.bench"),
            floor("cli", "cli", List.of("org.permcheck.cli"), "model", "engine.codec", "spi", "spi.bench", "oracle", "engine.model", "engine.check", "engine.fuzz", "engine.cpu", "engine.exec", "engine.vectors", "engine.run", "engine.report", "engine.tck", "engine.smoke", "engine.ep"));

    private static Floor floor(String name, String module, List<String> prefixes, String... mayImport) {
        return new Floor(name, module, prefixes, List.of(mayImport));
    }

    /** The floor owning a package (the longest prefix wins), or null. */
    static Floor of(List<Floor> floors, String pkg) {
        Floor best = null;
        int bestLen = -1;
        for (Floor f : floors) {
            for (String p : f.prefixes()) {
                if ((pkg.equals(p) || pkg.startsWith(p + ".")) && p.length() > bestLen) {
                    best = f;
                    bestLen = p.length();
                }
            }
        }
        return best;
    }
}
