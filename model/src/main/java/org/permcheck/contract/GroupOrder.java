package org.permcheck.contract;

/**
 * What an op promises about the order of the entries inside one expert's group (docs/spec.md,
 * "Operations and ports"; docs/checks.md, "Unordered ops").
 */
public enum GroupOrder {
    /** The order is a rule (D1's ascending token, Q1, J3): positions are compared. */
    ORDERED,
    /**
     * The order is unspecified (moe_align_block_size, K2: the kernel takes slots with atomics):
     * a group is judged as a multiset of its entries, with a bijection onto the routed slots, never by position.
     */
    MULTISET
}
