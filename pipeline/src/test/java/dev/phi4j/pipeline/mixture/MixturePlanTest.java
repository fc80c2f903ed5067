package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.schema.MixtureGroup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MixturePlanTest {

    /** Tokens spread evenly over the hash bins, as many documents hashing uniformly would. */
    private static long[] even(long tokens) {
        long[] bins = new long[MixturePlan.BINS];
        Arrays.fill(bins, tokens / MixturePlan.BINS);
        bins[0] += tokens % MixturePlan.BINS;
        return bins;
    }

    private static List<MixturePlan.Input> groups(long[] unique, double cap) {
        List<MixturePlan.Input> inputs = new ArrayList<>();
        GroupShares shares = GroupShares.table5();
        for (MixtureGroup group : MixtureGroup.values()) {
            String name = DocumentBuckets.groupName(group);
            long tokens = unique[group.ordinal()];
            inputs.add(new MixturePlan.Input(name, name, "mixture", shares.of(group), cap, even(tokens), even(tokens / 100)));
        }
        return inputs;
    }

    @Test
    void table5UniqueTokensAndTenTrillionGiveThePapersEpochs() {
        long[] unique = {1_300_000_000_000L, 290_000_000_000L, 290_000_000_000L, 820_000_000_000L, 580_000_000_000L};
        MixturePlan plan = MixturePlan.plan(groups(unique, 100), 10_000_000_000_000L);
        double[] paper = {1.2, 5.2, 13.8, 2.4, 1.7};                  // Table 5, rounded to one decimal
        for (MixtureGroup group : MixtureGroup.values()) {
            MixturePlan.Bucket bucket = plan.buckets().get(group.ordinal());
            assertEquals(paper[group.ordinal()], bucket.epochs(), 0.05, bucket.name());
            assertEquals(group.share(), bucket.effectiveShare(), 1e-12);
            assertEquals(group.share() * 1e13, bucket.plannedTokens(), 1e13 / MixturePlan.BINS);
        }
        assertEquals(13, plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal()).fullCopies());
        assertTrue(plan.notes().isEmpty(), plan.notes().toString());
    }

    @Test
    void aMissingGroupsShareIsSpreadInProportionAndNoted() {
        long[] unique = {1000_000, 500_000, 0, 800_000, 600_000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 100), 1_000_000);
        assertEquals(0, plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal()).effectiveShare());
        assertEquals(0.15 / 0.6, plan.buckets().get(MixtureGroup.WEB.ordinal()).effectiveShare(), 1e-12);
        assertEquals(0.20 / 0.6, plan.buckets().get(MixtureGroup.CODE.ordinal()).effectiveShare(), 1e-12);
        assertEquals(List.of("no synthetic documents in the input: its 40.0% share is spread over the present groups "
                + "in proportion to their shares"), plan.notes());
    }

    @Test
    void aMissingGroupsShareStaysInItsFamily() {
        List<MixturePlan.Input> inputs = new ArrayList<>();
        inputs.add(new MixturePlan.Input("web", "web", "recall", 0.35, 16, even(1000), even(10)));
        inputs.add(new MixturePlan.Input("synthetic", "synthetic", "recall", 0.35, 16, even(0), even(0)));
        inputs.add(new MixturePlan.Input("long", "long_context", "long_context", 0.3, 16, even(1000), even(10)));
        MixturePlan plan = MixturePlan.plan(inputs, 10_000);
        assertEquals(0.7, plan.buckets().get(0).effectiveShare(), 1e-12);
        assertEquals(0.3, plan.buckets().get(2).effectiveShare(), 1e-12);
        assertTrue(plan.notes().get(0).contains("the present recall buckets"), plan.notes().toString());
    }

    @Test
    void aCappedGroupKeepsItsCapAndTheOthersShareTheRest() {
        long[] unique = {1000_000, 1000_000, 10_000, 1000_000, 1000_000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 4), 1_000_000);
        MixturePlan.Bucket synthetic = plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal());
        assertTrue(synthetic.capped());
        assertEquals(4.0, synthetic.epochs(), 1e-12);
        assertEquals(40_000, synthetic.allocatedTokens());
        double rest = 1_000_000 - 40_000;
        assertEquals(rest * 0.15 / 0.6, plan.buckets().get(MixtureGroup.WEB.ordinal()).allocatedTokens(), 1);
        assertEquals(rest * 0.10 / 0.6, plan.buckets().get(MixtureGroup.ACQUIRED.ordinal()).allocatedTokens(), 1);
        assertEquals(0, plan.shortfall());
        assertTrue(plan.notes().get(0).startsWith("synthetic is capped at 4 epochs"), plan.notes().toString());
    }

    @Test
    void whenEveryGroupIsCappedTheShortfallIsReported() {
        long[] unique = {1000, 1000, 1000, 1000, 1000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 2), 1_000_000);
        assertEquals(1_000_000 - 10_000, plan.shortfall());
        assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("every group is at its epoch cap")));
    }

    @Test
    void automaticBudgetPutsTheTightestGroupAtItsCap() {
        long[] unique = {1_000_000, 2_000_000, 500_000, 1_000_000, 4_000_000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 8), 0);
        assertTrue(plan.autoBudget());
        assertEquals(8 * 500_000 / 0.40, plan.budget(), 1);         // synthetic binds: 40% share, 500k unique
        assertEquals(8.0, plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal()).epochs(), 1e-9);
        for (MixturePlan.Bucket bucket : plan.buckets()) {
            assertTrue(bucket.epochs() <= 8 + 1e-9);
            assertEquals(bucket.effectiveShare(), (double) bucket.plannedTokens() / plan.plannedTokens(), 1e-3);
        }
    }

    @Test
    void validationFollowsTheSharesWithoutRepeatingADocument() {
        long[] unique = {1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 16), 1_000_000);
        long total = plan.validationTokens();
        for (MixturePlan.Bucket bucket : plan.buckets()) {
            assertTrue(bucket.validationTokens() <= bucket.heldOutTokens());
            assertEquals(bucket.effectiveShare(), (double) bucket.validationTokens() / total, 1e-3, bucket.name());
        }
        assertEquals(10_000, plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal()).validationTokens(), 5,
                "the group with the least held-out tokens per share uses all of them");
    }

    @Test
    void fractionalEpochsPickTheClosestPrefixOfBins() {
        long[] bins = new long[MixturePlan.BINS];
        bins[0] = 100;
        bins[1] = 100;
        bins[2] = 1000;
        assertEquals(2, MixturePlan.closestPrefix(bins, 250));
        assertEquals(3, MixturePlan.closestPrefix(bins, 900));
        assertEquals(0, MixturePlan.closestPrefix(bins, 40));
    }

    @Test
    void copiesOfADocumentFallInTheirOwnEpochOfTheRun() {
        long[] unique = {1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000};
        MixturePlan plan = MixturePlan.plan(groups(unique, 16), 0);
        Selection selection = new Selection(DocumentBuckets.pretrain(), plan, 0.0, 5);
        double epochs = plan.buckets().get(MixtureGroup.SYNTHETIC.ordinal()).epochs();
        assertEquals(16, epochs, 1e-9);
        for (int d = 0; d < 200; d++) {
            List<double[]> copies = new ArrayList<>();
            selection.place("doc-" + d, "synthetic", "synthetic", 100, (split, bucket, copy, key) ->
                    copies.add(new double[] {copy, key}));
            assertEquals(16, copies.size());
            for (double[] copy : copies) {
                assertTrue(copy[1] >= copy[0] / epochs && copy[1] < (copy[0] + 1) / epochs, Arrays.toString(copy));
            }
        }
    }

    @Test
    void heldOutDocumentsDoNotDependOnTheSeed() {
        Selection a = Selection.unplanned(DocumentBuckets.pretrain(), 0.1, 1);
        Selection b = Selection.unplanned(DocumentBuckets.pretrain(), 0.1, 2);
        int held = 0;
        for (int d = 0; d < 10_000; d++) {
            assertEquals(a.heldOut("doc-" + d), b.heldOut("doc-" + d));
            held += a.heldOut("doc-" + d) ? 1 : 0;
        }
        assertEquals(1000, held, 100);
    }
}
