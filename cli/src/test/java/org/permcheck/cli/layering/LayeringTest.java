package org.permcheck.cli.layering;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floors of docs/architecture.md hold over every module's main sources (cli's tests run with
 * cli/ as the working directory, so the repository root is ".."), and the checker itself finds a
 * planted bad import, a planted cycle and a package without a floor.
 */
class LayeringTest {
    /**
     * The findings that are known today and owned by someone; nothing else may appear. Each entry
     * is a prefix of one finding line. Whoever removes the import deletes the line here too (the
     * test fails on an entry that no longer matches anything, so the list can only shrink).
     */
    static final Set<String> KNOWN = Set.of();

    @Test
    void theHouseStandsAsDrawnApartFromTheKnownList() {
        List<String> found = LayeringCheck.findings(Floors.HOUSE, LayeringCheck.read(Path.of("..")));
        List<String> unexpected = new ArrayList<>();
        for (String f : found) if (KNOWN.stream().noneMatch(f::startsWith)) unexpected.add(f);
        assertEquals(List.of(), unexpected, "imports that break the floors of docs/architecture.md");
        List<String> stale = new ArrayList<>();
        for (String k : KNOWN) if (found.stream().noneMatch(f -> f.startsWith(k))) stale.add(k);
        assertEquals(List.of(), stale, "fixed: delete these lines from LayeringTest.KNOWN");
    }

    @Test
    void theTreeIsReadAtAll() {
        // guards the test above against passing on an empty read (a wrong working directory)
        List<LayeringCheck.Source> all = LayeringCheck.read(Path.of(".."));
        for (String module : List.of("model", "oracle", "spi", "engine", "cuda-backend", "cli")) {
            assertTrue(all.stream().anyMatch(s -> s.module().equals(module)), module + " has main sources");
        }
    }

    // ------------------------------------------------------------------ the checker on planted trees

    private static LayeringCheck.Source src(String module, String file, String text) {
        return new LayeringCheck.Source(module, SourceRefs.parse(file, text));
    }

    @Test
    void aPlantedUpwardImportIsReportedWithItsFile() {
        List<LayeringCheck.Source> tree = List.of(
                src("model", "model/Tensor.java", "package org.permcheck.tensor;\nimport org.permcheck.oracle.Oracle;\nclass Tensor {}"),
                src("oracle", "oracle/Oracle.java", "package org.permcheck.oracle;\nclass Oracle {}"));
        assertEquals(List.of("layering: org.permcheck.tensor -> org.permcheck.oracle (model may not import oracle) in model/Tensor.java"),
                LayeringCheck.findings(Floors.HOUSE, tree));
    }

    @Test
    void aBackendThatImportsTheReferenceOrTheEngineIsReported() {
        // fully qualified names in code count as much as imports; a static import names its package
        List<LayeringCheck.Source> tree = List.of(
                src("cuda-backend", "cuda/A.java", "package org.permcheck.cuda;\nimport static org.permcheck.engine.check.Tolerance.ulp;\n"
                        + "class A { Object o = new org.permcheck.oracle.Oracle(); }"));
        List<String> found = LayeringCheck.findings(Floors.HOUSE, tree);
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("layering: org.permcheck.cuda -> org.permcheck.engine.check (cuda may not import engine.check)"), found.get(0));
        assertTrue(found.get(1).startsWith("layering: org.permcheck.cuda -> org.permcheck.oracle (cuda may not import oracle)"), found.get(1));
    }

    @Test
    void commentsAndStringsAreNoDependency() {
        List<LayeringCheck.Source> tree = List.of(src("spi", "spi/B.java",
                "package org.permcheck.spi;\n/** see {@link org.permcheck.oracle.Oracle} */\n"
                        + "class B { String s = \"org.permcheck.engine.run.Runner\"; // org.permcheck.cli.Main\n}"));
        assertEquals(List.of(), LayeringCheck.findings(Floors.HOUSE, tree));
    }

    @Test
    void aPlantedCycleIsReportedWithBothEdges() {
        List<LayeringCheck.Source> tree = List.of(
                src("cuda-backend", "cuda/A.java", "package org.permcheck.cuda;\nimport org.permcheck.cuda.ops.B;\nclass A {}"),
                src("cuda-backend", "cuda/ops/B.java", "package org.permcheck.cuda.ops;\nimport org.permcheck.cuda.*;\nclass B {}"));
        assertEquals(List.of("cycle: org.permcheck.cuda <-> org.permcheck.cuda.ops (org.permcheck.cuda -> org.permcheck.cuda.ops in cuda/A.java; "
                + "org.permcheck.cuda.ops -> org.permcheck.cuda in cuda/ops/B.java)"), LayeringCheck.findings(Floors.HOUSE, tree));
    }

    @Test
    void peersOfOneFloorMayNotImportEachOther() {
        List<LayeringCheck.Source> tree = List.of(src("oracle", "oracle/C.java",
                "package org.permcheck.oracle;\nimport org.permcheck.spi.Backend;\nclass C {}"));
        assertEquals(List.of("layering: org.permcheck.oracle -> org.permcheck.spi (oracle may not import spi) in oracle/C.java"),
                LayeringCheck.findings(Floors.HOUSE, tree));
    }

    @Test
    void theSpiFrontPackageAndTheRunnerDoNotSeeTheBenchTypes() {
        // issue 10: the bench types live beside the SPI's front package, for the benches' floors only
        List<LayeringCheck.Source> tree = List.of(
                src("spi", "spi/F.java", "package org.permcheck.spi;\nimport org.permcheck.spi.bench.BenchRow;\nclass F {}"),
                src("engine", "engine/G.java", "package org.permcheck.engine.run;\nimport org.permcheck.spi.bench.DispatchCase;\nclass G {}"),
                src("cuda-backend", "cuda/H.java", "package org.permcheck.cuda.bench;\nimport org.permcheck.spi.bench.DispatchCase;\nclass H {}"));
        assertEquals(List.of("layering: org.permcheck.spi -> org.permcheck.spi.bench (spi may not import spi.bench) in spi/F.java",
                "layering: org.permcheck.engine.run -> org.permcheck.spi.bench (engine.run may not import spi.bench) in engine/G.java"),
                LayeringCheck.findings(Floors.HOUSE, tree));
    }

    @Test
    void aPackageWithoutAFloorOrInTheWrongModuleIsReported() {
        List<LayeringCheck.Source> tree = List.of(
                src("engine", "engine/D.java", "package org.permcheck.engine.misc;\nclass D {}"),
                src("spi", "spi/E.java", "package org.permcheck.oracle;\nclass E {}"));
        assertEquals(List.of("no floor: package org.permcheck.engine.misc (engine/D.java) belongs to no floor of Floors.HOUSE (cli/src/test/java/org/permcheck/cli/layering/Floors.java)",
                "misplaced: spi/E.java is package org.permcheck.oracle of floor oracle, which lives in oracle/"),
                LayeringCheck.findings(Floors.HOUSE, tree));
    }
}
