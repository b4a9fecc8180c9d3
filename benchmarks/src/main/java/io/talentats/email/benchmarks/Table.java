package io.talentats.email.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints measurements as an aligned table. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
        this.header = header;
    }

    void row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(cells[i]);
        }
        rows.add(r);
    }

    void print() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        line(header, w);
        StringBuilder sep = new StringBuilder();
        for (int x : w) {
            sep.append("-".repeat(x)).append("  ");
        }
        System.out.println(sep.toString().stripTrailing());
        rows.forEach(r -> line(r, w));
    }

    private static void line(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(String.format(Locale.ROOT, i == 0 ? "%-" + w[i] + "s" : "%" + w[i] + "s", cells[i])).append("  ");
        }
        System.out.println(sb.toString().stripTrailing());
    }
}
