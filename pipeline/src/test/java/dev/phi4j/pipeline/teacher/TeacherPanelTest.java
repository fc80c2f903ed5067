package dev.phi4j.pipeline.teacher;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class TeacherPanelTest {

    @Test
    void batchesAreWorkedLazilyInOrderAtMostSizeAtATime() {
        List<Integer> batchSizes = new ArrayList<>();
        Iterator<Integer> items = IntStream.range(0, 150).boxed().iterator();

        Iterator<Integer> doubled = TeacherPanel.inBatches(items, 64, batch -> {
            batchSizes.add(batch.size());
            return batch.stream().map(i -> 2 * i).toList();
        });

        assertEquals(List.of(), batchSizes, "nothing is worked before it is asked for");
        List<Integer> out = new ArrayList<>();
        doubled.forEachRemaining(out::add);
        assertEquals(IntStream.range(0, 150).map(i -> 2 * i).boxed().toList(), out);
        assertEquals(List.of(64, 64, 22), batchSizes);
    }
}
