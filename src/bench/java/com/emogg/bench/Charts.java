package com.emogg.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts (JFreeChart, headless). A connection sweep is drawn as latency against
 * throughput, one line per percentile and side (application, pgbench), each point labelled with its
 * connection count: where the application's line bends up is where it saturates, and the gap to
 * pgbench's line is the application's cost. Scenarios without a sweep get a bar chart.
 */
final class Charts {

    private static final Color APP = new Color(0x1f77b4);
    private static final Color BASELINE = new Color(0xff7f0e);

    private Charts() {
    }

    static void latencyVsThroughput(Path file, String title, List<RunResult> app, List<RunResult> baseline) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<List<RunResult>> sources = List.of(app, app, baseline, baseline);
        String[] names = {"application p50", "application p99", "pgbench p50", "pgbench p99"};
        for (int i = 0; i < names.length; i++) {
            XYSeries series = new XYSeries(names[i], false, true);
            for (RunResult run : sources.get(i)) {
                double latency = i % 2 == 0 ? run.p50 : run.p99;
                if (run.requests > 0 && latency > 0) {
                    series.add(run.throughput, latency);
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "throughput (per second)", "latency (ms)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis latency = new LogAxis("latency (ms, log scale)");
        latency.setSmallestValue(0.01);
        // ticks at powers of two (..., 0.5, 1, 2, 4, ... ms), written as plain numbers
        latency.setTickUnit(new NumberTickUnit(Math.log10(2)));
        latency.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.##"));
        plot.setRangeAxis(latency);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < names.length; i++) {
            renderer.setSeriesPaint(i, i < 2 ? APP : BASELINE);
            renderer.setSeriesStroke(i, i % 2 == 0 ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            List<RunResult> runs = sources.get(i).stream().filter(run -> run.requests > 0).toList();
            renderer.setSeriesItemLabelGenerator(i, (dataset, series, item) -> item < runs.size() ? "c=" + runs.get(item).connections : "");
            renderer.setSeriesItemLabelsVisible(i, true);
        }
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(file, chart);
    }

    /** Bars grouped by category, one colour per series; {@code values} maps series to category to value. */
    static void bars(Path file, String title, String axis, Map<String, Map<String, Double>> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, value) -> {
            if (value != null && !value.isNaN()) {
                data.addValue(value, series, category);
            }
        }));
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL, values.size() > 1, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setSeriesPaint(0, APP);
        renderer.setSeriesPaint(1, BASELINE);
        renderer.setSeriesPaint(2, new Color(0x2ca02c));
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("#,##0.#")));
        renderer.setDefaultItemLabelsVisible(true);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(file, chart);
    }

    private static void save(Path file, JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, 960, 560);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
