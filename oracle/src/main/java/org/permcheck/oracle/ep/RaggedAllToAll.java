package org.permcheck.oracle.ep;

import java.util.ArrayList;
import java.util.List;

import org.permcheck.contract.Preconditions;
import org.permcheck.contract.Rule;
import org.permcheck.tensor.Tensor;

/**
 * A5: {@code jax.lax.ragged_all_to_all} over S simulated ranks, verbatim from its documentation
 * (docs/sources.md#ragged-all-to-all): sender r writes {@code operand_r[input_offsets_r[j] : +send_sizes_r[j]]} on
 * receiver j at {@code output_offsets_r[j]} (SENDER-side offsets); rows no slice writes keep the
 * value of the receiver's {@code output} operand. One slice per device.
 */
public final class RaggedAllToAll {
    private RaggedAllToAll() {}

    /**
     * @param operands per rank, the rows it sends from
     * @param outputs  per rank, the {@code output} operand (not modified; copied)
     * @param params   per rank, its four index vectors
     * @return per rank, the result
     */
    public static List<Tensor> exchange(List<Tensor> operands, List<Tensor> outputs, List<RaggedAllToAllParams> params) {
        int ns = operands.size();
        // the documented constraint: send_sizes of r to j == recv_sizes of j from r
        for (int r = 0; r < ns; r++) {
            for (int j = 0; j < ns; j++) {
                if (params.get(r).sendSizes()[j] != params.get(j).recvSizes()[r]) {
                    throw Preconditions.violation(Rule.A5, "rank " + r + " sends " + params.get(r).sendSizes()[j]
                            + " rows to rank " + j + ", which expects " + params.get(j).recvSizes()[r]);
                }
            }
        }
        List<Tensor> results = new ArrayList<>();
        for (Tensor o : outputs) results.add(o.copy());
        for (int r = 0; r < ns; r++) {
            RaggedAllToAllParams p = params.get(r);
            for (int j = 0; j < ns; j++) {
                for (long k = 0; k < p.sendSizes()[j]; k++) {
                    results.get(j).copyRowFrom(operands.get(r), p.inputOffsets()[j] + k, p.outputOffsets()[j] + k);
                }
            }
        }
        return results;
    }
}
