package org.permcheck.engine.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.permcheck.engine.model.Case;
import org.permcheck.tensor.Tensor;

/** The large recipes rebuild to exactly the pinned bytes of vectors/recipes.json (about 120 MB of files). */
class LargeVectorsTest {

    @Test
    void largeRecipesRebuildToThePinnedHashes(@TempDir Path tmp) throws IOException {
        assertEquals(GeneratedRecipes.largeRecipes().size(), LargeVectors.materialize(tmp));
        assertEquals(List.of(), LargeVectors.verify(CommittedVectorsTest.VECTORS, tmp));
        List<Case> cases = VectorSet.load(tmp);
        assertEquals(2, cases.size());
        Tensor inp = cases.get(0).invocation().input("inp");
        assertEquals(4096 * 1024 * 2L, inp.byteSize(), "T=4096 x H=1024 bf16");
        assertTrue(cases.get(0).features().contains("large"));
    }

    @Test
    void aChangedFileIsReported(@TempDir Path tmp) throws IOException {
        LargeVectors.materialize(tmp);
        Path f = tmp.resolve("large/combine-t2048-e32-top4-h512-f32/in_row_id_map.npy");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1;
        Files.write(f, b);
        List<String> problems = LargeVectors.verify(CommittedVectorsTest.VECTORS, tmp);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("large/combine-t2048-e32-top4-h512-f32/in_row_id_map.npy: SHA-256 "), problems.get(0));
    }
}
