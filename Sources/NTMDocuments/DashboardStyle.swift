/// The dashboard page's stylesheet, inline in its `<style>`: screen (from 360 px wide phones up), and an
/// A4 print that keeps the cells' colours and never splits a table row.
enum DashboardStyle {
    /// The CSS text. Cell states differ by symbol and by lightness as well as by hue (dark, light,
    /// white, hatched), so that a grey print tells them apart.
    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { font-family: "Noto Sans", "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; font-size: 15px;
          line-height: 1.45; color: #1b1b1b; background: #fff; margin: 0 auto; max-width: 1240px; padding: 16px; }
        header h1 { font-size: 1.45rem; margin: 0 0 4px; }
        header p { margin: 0; color: #444; }
        h2 { font-size: 1.12rem; margin: 1.6em 0 .5em; padding-bottom: 3px; border-bottom: 2px solid #d0d7de; }
        h3 { font-size: 1rem; margin: 1em 0 .4em; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 4px; }
        .card { border: 1px solid #c8ced6; border-radius: 6px; padding: 8px 14px; min-width: 9.5rem; flex: 0 1 auto; }
        .card .label { font-size: .85rem; color: #444; }
        .card .value { font-size: 1.7rem; font-weight: 700; white-space: nowrap; }
        .card.good .value { color: #116329; }
        .card.alert .value { color: #b3261e; }
        .scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
        table { border-collapse: collapse; margin: 4px 0 8px; }
        th, td { border: 1px solid #c8ced6; padding: 4px 7px; text-align: left; vertical-align: top; }
        thead th { background: #eef1f4; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.num { white-space: nowrap; }
        td.zero { color: #8c959f; }
        tbody th { min-width: 7em; }
        tr.group th { background: #f6f8fa; font-weight: 700; }
        tfoot td, tfoot th { font-weight: 700; background: #f6f8fa; }
        .none { color: #555; font-style: italic; }
        table.grid th.crit, table.grid td.cell { width: 2em; min-width: 2em; text-align: center; padding: 3px 2px; }
        table.grid td.cell { font-weight: 700; }
        table.grid .name, table.evidence .name { position: sticky; left: 0; background: #fff; z-index: 1;
          min-width: 8.5em; }
        table.grid thead .name, table.evidence thead .name { background: #eef1f4; }
        table.grid tr.group th, table.evidence tr.group th { position: static; }
        .met { background: #1a7f37; color: #fff; }
        .progress { background: #f8d66d; color: #1b1b1b; }
        .not-met { background: #fff; color: #57606a; }
        .conflict { background: repeating-linear-gradient(45deg, #d1242f 0 3px, #fff 3px 6px); color: #1b1b1b; }
        .conflict span { background: #fff; padding: 0 2px; border-radius: 2px; }
        .absent { background: #eef1f4; color: #8c959f; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 6px 0; padding: 0; list-style: none;
          font-size: .9rem; }
        .legend .swatch { display: inline-block; width: 1.7em; text-align: center; font-weight: 700;
          border: 1px solid #c8ced6; margin-right: 4px; }
        table.sectors { width: 100%; max-width: 900px; }
        table.sectors td.bars { width: 45%; min-width: 90px; }
        table.sectors svg { display: block; width: 100%; height: 30px; }
        .bar-sent { fill: #a5c8ec; }
        .bar-inspected { fill: #3f7fc0; }
        .bar-passed { fill: #0b3d6b; }
        .bar-track { fill: #f0f2f4; }
        footer { margin-top: 2em; padding-top: 6px; border-top: 1px solid #d0d7de; color: #444; font-size: .9rem; }
        @media (max-width: 600px) {
          body { padding: 10px; font-size: 15px; }
          header h1 { font-size: 1.2rem; }
          .card { min-width: 8rem; padding: 6px 10px; }
          .card .value { font-size: 1.35rem; }
          th, td { padding: 3px 5px; }
          table.sectors td.bars { width: 30%; min-width: 70px; }
          table.sectors tbody th { min-width: 8.5em; font-weight: 600; }
        }
        @page { size: A4; margin: 12mm; }
        @media print {
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { max-width: none; padding: 0; font-size: 9pt; }
          h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.1em; }
          .scroll { overflow: visible; }
          table { width: 100%; }
          thead { display: table-header-group; }
          tr, .card, .legend, svg { break-inside: avoid; page-break-inside: avoid; }
          table.grid, table.evidence { table-layout: fixed; }
          table.grid .name, table.evidence .name { position: static; width: 24%; min-width: 0; }
          table.grid th.crit, table.grid td.cell, table.evidence th.crit, table.evidence td.num { width: auto;
            min-width: 0; padding: 1px; font-size: 7.5pt; text-align: center; }
          table.evidence th, table.evidence td { padding: 1px; font-size: 7pt; }
          .card .value { font-size: 14pt; }
        }
        """
}
