/* MLGradientInsight report renderer: draws RunReport JSON (see src/Reports/Model) with uPlot.
   Shared by the self-contained report (mlgi report) and the live dashboard (mlgi serve). No chart engine of our own:
   every chart is a uPlot instance; classifier windows and advisor markers are drawn in uPlot's draw hook. */
(function (global) {
  'use strict';
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  const windowColors = ['rgba(44,160,44,0.16)', 'rgba(214,39,40,0.16)', 'rgba(255,127,14,0.18)', 'rgba(31,119,180,0.16)', 'rgba(148,103,189,0.16)', 'rgba(140,86,75,0.16)'];
  // The classifier's shapes (000 §4) always get the same colour, whatever order they appear in; other labels take the palette.
  const shapeColors = { uniform: 'rgba(44,160,44,0.16)', chaotic: 'rgba(214,39,40,0.18)', rising: 'rgba(255,127,14,0.2)', decaying: 'rgba(31,119,180,0.18)' };
  const windowColor = (label, labels) => shapeColors[label] || windowColors[labels.filter(l => !shapeColors[l]).indexOf(label) % windowColors.length];
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };

  /** Caption lines that say what the chart does not show point for point. */
  function seriesNotes(series) {
    const notes = [];
    for (const s of series) {
      if (s.downsampled) {
        notes.push(`${s.name}: downsampled ${fmt(s.sourcePoints - s.nonFiniteCount)} points → ${fmt(s.values.length)} (min/max envelope per bucket, every spike kept)`);
      }
      if (s.nonFiniteCount > 0) {
        const listed = s.nonFinite.map(p => `step ${fmt(p.x)}: ${p.value}`).join(', ');
        notes.push(`${s.name}: ${fmt(s.nonFiniteCount)} non-finite value(s) not drawn (${listed}${s.nonFiniteCount > s.nonFinite.length ? ', …' : ''})`);
      }
    }
    return notes;
  }

  class Report {
    /** @param root element to draw into; @param options { live: bool } */
    constructor(root, options) {
      this.root = root;
      this.options = options || {};
      this.charts = new Map();   // id -> { u, caption, stepAxis }
      this.syncing = false;
      this.logActivity = false;
      this.xRange = null;        // user zoom on the shared step axis
    }

    /** Draws (first call) or updates in place (later calls) the given RunReports. */
    render(reports) {
      this.reports = reports;
      const specs = this.specs(reports);
      // One step axis for every step chart: the range of all their points (so the charts line up), or the user's zoom.
      let lo = Infinity, hi = -Infinity;
      for (const spec of specs) if (spec.series && !spec.free) for (const s of spec.series) if (s.x.length) { lo = Math.min(lo, s.x[0]); hi = Math.max(hi, s.x[s.x.length - 1]); }
      this.stepRange = lo <= hi ? [lo, hi > lo ? hi : lo + 1] : [0, 1];
      this.syncing = true;
      const seen = new Set();
      for (const spec of specs) {
        seen.add(spec.id);
        const existing = this.charts.get(spec.id);
        if (existing && existing.signature === spec.signature) this.update(existing, spec);
        else { if (existing) this.remove(spec.id); this.create(spec); }
      }
      for (const id of [...this.charts.keys()]) if (!seen.has(id)) this.remove(id);
      this.syncing = false;
      this.renderSummary(reports);
      this.root.dataset.rendered = String((Number(this.root.dataset.rendered) || 0) + 1);
    }

    section(name, title) {
      let s = this.root.querySelector(`section[data-section="${name}"]`);
      if (!s) {
        s = el('section', { 'data-section': name, class: 'mlgi-section' }, el('h2', { text: title }));
        this.root.append(s);
      }
      return s;
    }

    /** Chart descriptions: id, section, title, the series (and what to draw on top). */
    specs(reports) {
      const specs = [];
      const multi = reports.length > 1;
      const runLabel = (r) => r.run.name || r.run.id;
      const byRun = (pick, label) => reports.map(r => ({ ...pick(r), name: multi ? `${runLabel(r)}` : (label || pick(r).name) }));
      const tracked = reports.some(r => r.networkActivity.sourcePoints > 0);
      const windows = [], markers = [], overlayNotes = [];
      for (const r of reports) for (const p of r.panels) {
        if (p.kind === 'windows') windows.push(...p.windows);
        if (p.kind === 'markers') markers.push(...p.markers);
        if ((p.kind === 'windows' || p.kind === 'markers') && p.caption) overlayNotes.push(`${p.title}: ${p.caption}`);
      }
      if (tracked) {
        specs.push({ id: 'network', section: ['activity', 'Network activity'], title: 'Network gradient activity (000 §3, Fig. 1–4)', series: byRun(r => r.networkActivity, 'network'), activity: true, windows, markers, caption: overlayNotes.join(' · ') || undefined });
      }
      specs.push({ id: 'loss', section: ['training', 'Loss, accuracy and learning rate'], title: 'Batch loss', series: byRun(r => r.loss, 'loss'), markers });
      const epochSeries = [];
      for (const r of reports) for (const s of r.epochMetrics) if (s.values.length && s.name.includes('accuracy')) epochSeries.push({ ...s, name: multi ? `${runLabel(r)} ${s.name}` : s.name });
      if (epochSeries.length) specs.push({ id: 'accuracy', section: ['training'], title: 'Accuracy (per epoch)', series: epochSeries, points: true });
      specs.push({ id: 'lr', section: ['training'], title: 'Learning rate', series: byRun(r => r.learningRate, 'learning rate'), markers });
      if (tracked) {
        specs.push({ id: 'excluded', section: ['health', 'Excluded elements and non-finite gradients'], title: 'Excluded fraction (000 §3.5 thresholds)', series: byRun(r => r.excludedFraction, 'excluded fraction') });
        const nf = byRun(r => r.nonFiniteGradients, 'non-finite gradient values');
        const total = reports.reduce((a, r) => a + r.nonFiniteGradients.values.reduce((b, v) => b + v, 0), 0);
        specs.push({ id: 'nonfinite', section: ['health'], title: `Non-finite gradient values per step (${fmt(total)} in all)`, series: nf, points: true });
        const layers = [];
        for (const r of reports) for (const l of r.layerActivity) if (!layers.includes(l.name)) layers.push(l.name);
        layers.forEach((layer, i) => {
          const series = reports.filter(r => r.layerActivity.some(l => l.name === layer)).map(r => ({ ...r.layerActivity.find(l => l.name === layer), name: multi ? runLabel(r) : layer }));
          specs.push({ id: `layer-${i}`, section: ['layers', 'Activity per layer (000 Fig. 5–7)'], title: `Layer ${layer}`, series, activity: true, small: true });
        });
        reports.forEach((r, i) => {
          if (r.layerActivity.length) specs.push({ id: `overlay-${i}`, section: ['overlay', 'Layers overlaid (000 Fig. 8)'], title: `All layers${multi ? ' — ' + runLabel(r) : ''}`, series: r.layerActivity, activity: true });
        });
      }
      reports.forEach((r, ri) => r.panels.forEach((p, pi) => {
        const id = `panel-${ri}-${pi}`;
        const section = ['analyses', 'Analyses'];
        const title = multi ? `${p.title} — ${runLabel(r)}` : p.title;
        if (p.kind === 'lines') specs.push({ id, section, title, series: p.series, caption: p.caption, xLabel: p.xLabel, yLabel: p.yLabel, logY: p.logY, free: true });
        else if (p.kind === 'scatter' || p.kind === 'image' || p.kind === 'bars') specs.push({ id, section, title, panel: p, caption: p.caption });
      }));
      for (const s of specs) s.signature = JSON.stringify([s.series ? s.series.map(x => x.name) : s.panel.kind, !!s.activity && this.logActivity]);
      return specs;
    }

    create(spec) {
      const section = this.section(spec.section[0], spec.section[1] || '');
      const box = el('div', { class: 'mlgi-chart' + (spec.small ? ' small' : '') + (spec.panel ? ' compact' : ''), 'data-chart': spec.id });
      const title = el('h3', { text: spec.title });
      const plot = el('div', { class: 'plot' });
      const caption = el('p', { class: 'caption' });
      box.append(title, plot, caption);
      section.append(box);
      const entry = { box, title, caption, signature: spec.signature, spec };
      if (spec.panel) entry.u = this.drawPanel(spec.panel, plot);
      else entry.u = new uPlot(this.options_(spec, box), this.align(spec), plot);
      // Double-click resets the zoom of all step charts (seen before uPlot's own handler, which then auto-ranges).
      if (!spec.free && !spec.panel) box.addEventListener('dblclick', () => { this.xRange = null; }, true);
      this.charts.set(spec.id, entry);
      this.caption(entry, spec);
    }

    update(entry, spec) {
      entry.spec = spec;
      entry.title.textContent = spec.title;
      if (entry.u && spec.series) {
        entry.u.setData(this.align(spec), !this.xRange || spec.free);
        if (this.xRange && !spec.free) entry.u.setScale('x', this.xRange);
      }
      this.caption(entry, spec);
    }

    remove(id) { const c = this.charts.get(id); if (c.u && c.u.destroy) c.u.destroy(); c.box.remove(); this.charts.delete(id); }

    caption(entry, spec) {
      const notes = spec.series ? seriesNotes(spec.series) : [];
      if (spec.caption) notes.unshift(spec.caption);
      const points = spec.series ? spec.series.reduce((a, s) => a + s.values.length, 0) : 0;
      entry.box.dataset.points = String(points);
      entry.box.dataset.lastStep = String(spec.series ? Math.max(0, ...spec.series.map(s => s.x.length ? s.x[s.x.length - 1] : 0)) : 0);
      entry.box.dataset.downsampled = String(spec.series ? spec.series.some(s => s.downsampled) : false);
      entry.box.dataset.windows = String((spec.windows || []).length);
      entry.box.dataset.markers = String((spec.markers || []).length);
      entry.caption.textContent = notes.join(' · ');
      entry.caption.hidden = notes.length === 0;
    }

    /** uPlot data: one x column shared by all series (uPlot.join fills nulls where a series has no point). */
    align(spec) {
      if (spec.series.length === 0) return [[]];
      const tables = spec.series.map(s => [s.x, spec.activity && this.logActivity ? s.values.map(v => v > 0 ? v : null) : s.values]);
      return tables.length === 1 ? tables[0] : uPlot.join(tables);
    }

    options_(spec, box) {
      const self = this;
      const width = Math.max(320, (box.parentElement.clientWidth || 900) / (spec.small ? 2 : 1) - 24);
      const series = [{ label: spec.free ? (spec.xLabel || 'x') : 'step' }];
      spec.series.forEach((s, i) => series.push({
        label: s.name, stroke: palette[i % palette.length], width: 1.25, spanGaps: true,
        points: spec.points ? { show: true, size: 6, fill: palette[i % palette.length] } : { show: false },
        paths: spec.points ? () => null : undefined,
      }));
      const log = spec.logY || (spec.activity && this.logActivity);
      const opts = {
        width, height: spec.small ? 180 : 260, series,
        scales: { x: spec.free ? { time: false } : { time: false, range: (u, min, max) => this.stepScale(u, min, max) }, y: log ? { distr: 3 } : {} },
        axes: [{ label: spec.free ? spec.xLabel : 'step' }, { label: spec.yLabel || undefined, size: 60 }],
        legend: { live: true },
        cursor: spec.free ? { drag: { x: true, y: false } } : { sync: { key: 'mlgi-steps', setSeries: false }, drag: { x: true, y: false } },
        hooks: {},
      };
      if (!spec.free) {
        opts.hooks.setScale = [(u, key) => {
          if (key !== 'x' || self.syncing) return;
          const { min, max } = u.scales.x;
          self.xRange = (min > self.stepRange[0] || max < self.stepRange[1]) ? { min, max } : null;
          self.syncing = true;
          for (const c of self.charts.values()) if (c.u !== u && c.u && c.u.setScale && !c.spec.free && !c.spec.panel) c.u.setScale('x', { min, max });
          self.syncing = false;
        }];
      }
      if ((spec.windows && spec.windows.length) || (spec.markers && spec.markers.length)) {
        opts.hooks.draw = [(u) => drawOverlays(u, spec.windows || [], spec.markers || [])];
        const labels = [...new Set((spec.windows || []).map(w => w.label))];
        if (labels.length) {
          const legend = el('div', { class: 'mlgi-windows' });
          labels.forEach((l) => legend.append(el('span', { class: 'chip', 'data-label': l, style: `background:${windowColor(l, labels)}`, text: `${l} (${spec.windows.filter(w => w.label === l).length})` })));
          box.append(legend);
        }
      }
      return opts;
    }

    /** x range of a step chart: an automatic range (its own data extent) becomes the shared step range or the zoom. */
    stepScale(u, min, max) {
      const x = u.data[0];
      const auto = !x.length || (min === x[0] && max === x[x.length - 1]);
      if (!auto) return [min, max];
      return this.xRange ? [this.xRange.min, this.xRange.max] : this.stepRange;
    }

    drawPanel(p, plot) {
      if (p.kind === 'image') return drawImage(p, plot);
      if (p.kind === 'bars') return drawBars(p, plot);
      return drawScatter(p, plot);
    }

    renderSummary(reports) {
      const section = this.section('summary', 'Runs');
      section.querySelectorAll('.mlgi-run').forEach(n => n.remove());
      for (const r of reports) {
        const t = r.timings;
        const rows = [
          ['run', `${r.run.id} (${r.run.name})`], ['status', r.run.status + (r.run.message ? ` — ${r.run.message}` : '')],
          ['started (UTC)', r.run.startedUtc], ['ended (UTC)', r.run.endedUtc || ''],
          ['duration', t.durationSeconds == null ? '' : `${t.durationSeconds.toFixed(1)} s`], ['steps', fmt(t.steps)], ['epochs', String(t.epochs)],
          ['step time', t.meanStepMilliseconds == null ? '' : `mean ${t.meanStepMilliseconds.toFixed(3)} ms, median ${t.medianStepMilliseconds.toFixed(3)} ms`],
        ];
        // A metric the run does not have (accuracy of a regression run, validation without a test set) shows a dash, never 0.
        for (const s of r.epochMetrics) rows.push([`final ${s.name}`, s.values.length ? String(+s.values[s.values.length - 1].toPrecision(5)) : '—']);
        let config = {};
        try { config = JSON.parse(r.run.configJson || '{}'); } catch (e) { config = { config: r.run.configJson }; }
        const table = (pairs) => el('table', { class: 'mlgi-summary' }, ...pairs.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v }))));
        const configRows = Object.entries(config).filter(([, v]) => v !== null).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
        const block = el('div', { class: 'mlgi-run', 'data-run': r.run.id }, el('h3', { text: r.run.name || r.run.id }), table(rows));
        for (const p of r.panels) if (p.kind === 'text') {
          block.append(el('div', { class: 'mlgi-text', 'data-panel': 'text' }, el('h4', { text: p.title }), el('p', { class: 'diagnosis', text: p.text }),
            el('ul', {}, ...p.evidence.map(e => el('li', { text: e }))), p.caption ? el('p', { class: 'caption', text: p.caption }) : null));
        }
        if (configRows.length) block.append(el('details', {}, el('summary', { text: `configuration (${configRows.length} settings)` }), table(configRows)));
        if (r.run.modelSummary) block.append(el('details', {}, el('summary', { text: 'model' }), el('pre', { class: 'model', text: r.run.modelSummary })));
        section.append(block);
      }
      this.root.append(section);
    }

    /**
     * Applies an incremental report of one run (RunReport.from set, the dashboard's ?after=STEP): each step series drops
     * its points from `from` on and appends the new ones; counts, epoch metrics, timings and (when sent) panels are replaced.
     * Returns false when the run is not shown (the caller then fetches the whole report).
     */
    merge(delta) {
      const r = (this.reports || []).find(x => x.run.id === delta.run.id);
      if (!r || delta.from == null) return false;
      const join = (old, tail) => {
        if (!old) return tail;
        let n = old.x.length;
        while (n > 0 && old.x[n - 1] >= delta.from) n--;
        return { ...tail, x: old.x.slice(0, n).concat(tail.x), values: old.values.slice(0, n).concat(tail.values), downsampled: old.downsampled || tail.downsampled };
      };
      for (const key of ['networkActivity', 'loss', 'learningRate', 'excludedFraction', 'nonFiniteGradients']) r[key] = join(r[key], delta[key]);
      r.layerActivity = delta.layerActivity.map(t => join(r.layerActivity.find(l => l.name === t.name), t));
      r.run = delta.run; r.timings = delta.timings; r.lastStep = delta.lastStep; r.epochMetrics = delta.epochMetrics;
      if (!delta.panelsUnchanged) r.panels = delta.panels;
      this.render(this.reports);
      return true;
    }

    /** The most points any step series of the shown runs holds (the dashboard refetches the whole report past its budget). */
    longestSeries() {
      let most = 0;
      for (const r of this.reports || []) for (const s of [r.networkActivity, r.loss, r.learningRate, r.excludedFraction, ...r.layerActivity]) most = Math.max(most, s.values.length);
      return most;
    }

    /** Switches the activity charts between linear and logarithmic y (non-positive values are not drawn on log). */
    setLogActivity(on) { this.logActivity = !!on; this.render(this.reports); }
  }

  function drawOverlays(u, windows, markers) {
    const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    const labels = [...new Set(windows.map(w => w.label))];
    ctx.save();
    ctx.beginPath(); ctx.rect(u.bbox.left, top, u.bbox.width, height); ctx.clip();
    // Windows may overlap (the classifier's windows advance by less than their length): each step is shaded by the latest
    // window that covers it, so no band is drawn twice.
    const sorted = [...windows].sort((a, b) => a.startStep - b.startStep);
    sorted.forEach((w, i) => {
      const end = i + 1 < sorted.length ? Math.min(w.endStep, sorted[i + 1].startStep - 1) : w.endStep;
      if (end < w.startStep) return;
      const x0 = u.valToPos(w.startStep - 0.5, 'x', true), x1 = u.valToPos(end + 0.5, 'x', true);
      ctx.fillStyle = windowColor(w.label, labels);
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    });
    ctx.strokeStyle = '#444'; ctx.fillStyle = '#222'; ctx.setLineDash([4, 3]); ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    for (const m of markers) {
      const x = u.valToPos(m.step, 'x', true);
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
      ctx.fillText(m.label, x + 3, top + 12 * devicePixelRatio);
    }
    ctx.restore();
  }

  function colorScale(t) { // blue (low) to red (high)
    const r = Math.round(40 + 200 * t), b = Math.round(220 - 190 * t), g = Math.round(90 + 60 * Math.sin(Math.PI * t));
    return `rgb(${r},${g},${b})`;
  }

  function drawScatter(p, plot) {
    const finite = (a) => a.filter(Number.isFinite);
    const range = (a) => { const f = finite(a); const lo = Math.min(...f), hi = Math.max(...f); const pad = (hi - lo) * 0.05 || 1; return [lo - pad, hi + pad]; };
    const c = finite(p.color), cmin = Math.min(...c), cmax = Math.max(...c);
    const draw = (u) => {
      const ctx = u.ctx; ctx.save();
      for (let i = 0; i < p.x.length; i++) {
        if (!Number.isFinite(p.x[i]) || !Number.isFinite(p.y[i])) continue;
        ctx.fillStyle = Number.isFinite(p.color[i]) ? colorScale(cmax > cmin ? (p.color[i] - cmin) / (cmax - cmin) : 0.5) : '#999';
        ctx.fillRect(u.valToPos(p.x[i], 'x', true) - 2, u.valToPos(p.y[i], 'y', true) - 2, 4, 4);
      }
      ctx.restore();
      return null;
    };
    const opts = {
      mode: 2, width: 460, height: 360,
      scales: { x: { time: false, range: range(p.x) }, y: { range: range(p.y) } },
      axes: [{ label: p.xLabel }, { label: p.yLabel }],
      series: [{}, { label: p.colorLabel, stroke: '#555', paths: draw, points: { show: false } }],
      legend: { show: false },
    };
    plot.append(el('div', { class: 'colorbar', text: c.length
      ? `${p.colorLabel}: blue ${+cmin.toPrecision(4)} → red ${+cmax.toPrecision(4)}${c.length < p.color.length ? ` (grey: no ${p.colorLabel})` : ''}`
      : `no ${p.colorLabel} values (points in grey)` }));
    return new uPlot(opts, [null, [p.x, p.y]], plot);
  }

  /** Grouped bars over named categories: uPlot scales and axes (x = category index, labelled with its name); each series
      draws its rectangles in its paths hook, as the scatter does (uPlot's own bars builder has no grouped layout). */
  function drawBars(p, plot) {
    const n = p.categories.length, groups = Math.max(1, p.series.length), w = 0.8 / groups;
    const data = [p.categories.map((_, i) => i), ...p.series.map(s => s.values.map(v => Number.isFinite(v) ? v : null))];
    const finite = p.series.flatMap(s => s.values.filter(Number.isFinite));
    const hi = finite.length ? Math.max(0, ...finite) : 1, lo = finite.length ? Math.min(0, ...finite) : 0;
    const bars = (i) => (u) => {
      const ctx = u.ctx; ctx.save(); ctx.fillStyle = palette[i % palette.length];
      const y0 = u.valToPos(0, 'y', true);
      u.data[i + 1].forEach((v, c) => {
        if (v == null) return;
        const x0 = u.valToPos(c - 0.4 + w * i, 'x', true), x1 = u.valToPos(c - 0.4 + w * (i + 1), 'x', true), y = u.valToPos(v, 'y', true);
        ctx.fillRect(x0 + 1, Math.min(y, y0), Math.max(1, x1 - x0 - 2), Math.max(1, Math.abs(y0 - y)));
      });
      ctx.restore();
      return null;
    };
    const opts = {
      width: Math.max(360, Math.min(900, 70 * n * groups + 140)), height: 240,
      scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [lo, hi > lo ? lo + (hi - lo) * 1.05 : lo + 1] } },
      axes: [{ splits: () => p.categories.map((_, i) => i), values: (u, ticks) => ticks.map(t => p.categories[t] ?? '') }, { label: p.yLabel, size: 60 }],
      series: [{ label: 'layer', value: (u, v) => v == null ? '' : (p.categories[Math.round(v)] ?? '') },
        ...p.series.map((s, i) => ({ label: s.name, stroke: palette[i % palette.length], fill: palette[i % palette.length], width: 0, paths: bars(i), points: { show: false } }))],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    return new uPlot(opts, data, plot);
  }

  function drawImage(p, plot) {
    if (p.pngBase64) {
      // The analysis's own PNG (the same writer as its --image file), shown as is.
      const img = el('img', { class: 'mlgi-image', alt: p.title, src: 'data:image/png;base64,' + p.pngBase64, width: String(Math.max(140, p.width * 8)) });
      plot.append(img, el('div', { class: 'colorbar', text: `${p.valueLabel}: ${p.colorKey || ''}` }));
      return null;
    }
    const canvas = el('canvas', { width: String(p.width), height: String(p.height), class: 'mlgi-image' });
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(p.width, p.height);
    const f = p.values.filter(Number.isFinite), lo = Math.min(...f), hi = Math.max(...f);
    p.values.forEach((v, i) => {
      const t = Number.isFinite(v) ? (hi > lo ? (v - lo) / (hi - lo) : 0.5) : 0;
      const [r, g, b] = Number.isFinite(v) ? [255 * Math.min(1, 2 * t), 255 * Math.max(0, 2 * t - 1), 80 * (1 - t)] : [255, 0, 255];
      img.data.set([r, g, b, 255], i * 4);
    });
    ctx.putImageData(img, 0, 0);
    canvas.style.width = `${Math.max(140, p.width * 8)}px`;
    plot.append(canvas, el('div', { class: 'colorbar', text: `${p.valueLabel}: dark ${+lo.toPrecision(4)} → bright ${+hi.toPrecision(4)}${f.length < p.values.length ? ' (magenta: non-finite)' : ''}` }));
    return null;
  }

  global.MlgiReport = Report;
})(window);
