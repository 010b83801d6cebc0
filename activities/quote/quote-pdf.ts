/**
 * The quote PDF (pdfkit): factory header, customer, board summary with the checklist findings, line
 * items, quantity breaks, validity and terms, and the SHA-256 of every input file. The same input gives
 * byte-identical output (the document dates come from the quote, not the clock), so the activity is
 * idempotent and the PDF itself can be hashed.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import PDFDocument from 'pdfkit';
import type { QuoteAnalysis } from '../../domain/quote/analyze';
import { PricedQuote, toUsdCents } from '../../domain/quote/pricing';
import { formatFen } from '../../domain/shared/money';
import type { HashedInput } from './analyze-files';
import { sha256 } from './analyze-files';

/** Who issues the quote. */
export interface FactoryHeader {
  name: string;
  address: string;
  contact: string;
}

/** Everything the PDF shows. */
export interface QuotePdfInput {
  quoteNumber: string;
  factory: FactoryHeader;
  customer: { name: string; contact?: string; reference?: string };
  analysis: Pick<QuoteAnalysis, 'board' | 'drill' | 'bom' | 'placement' | 'issues'> & {
    inputs?: HashedInput[];
    inputHash?: string;
  };
  quote: PricedQuote;
}

export const DEFAULT_FACTORY: FactoryHeader = {
  name: 'SMT Works Electronics Co., Ltd.',
  address: "Building 3, Industrial Park, Bao'an District, Shenzhen, Guangdong, China",
  contact: 'sales@smtworks.example  ·  +86 755 0000 0000',
};

const MARGIN = 48;
const GREY = '#555555';

/** Renders the quote PDF into a buffer. */
export function renderQuotePdf(input: QuotePdfInput): Promise<Buffer> {
  const { quote, analysis, factory, customer } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true, // page numbers are written once the page count is known
    info: {
      Title: `Quotation ${input.quoteNumber}`,
      Author: factory.name,
      Subject: `PCBA quotation for ${customer.name}`,
      CreationDate: new Date(`${quote.quotedOn}T00:00:00Z`),
      ModDate: new Date(`${quote.quotedOn}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pageWidth = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 20;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const heading = (text: string) => {
    ensure(40);
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('black').text(text, MARGIN, doc.y);
    doc
      .moveTo(MARGIN, doc.y + 2)
      .lineTo(MARGIN + pageWidth, doc.y + 2)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.moveDown(0.5).font('Helvetica').fontSize(9);
  };
  const table = (
    columns: Array<{ title: string; width: number; align?: 'left' | 'right' }>,
    rows: string[][],
    boldLast = false,
  ) => {
    const drawRow = (cells: string[], bold: boolean) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
      const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i].width - 6 }))) + 4;
      ensure(height);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        doc.text(c, x + 3, y + 2, { width: columns[i].width - 6, align: columns[i].align ?? 'left' });
        x += columns[i].width;
      });
      doc.y = y + height;
      doc.x = MARGIN;
    };
    doc.fillColor(GREY);
    drawRow(
      columns.map((c) => c.title),
      true,
    );
    doc.fillColor('black');
    rows.forEach((r, i) => drawRow(r, boldLast && i === rows.length - 1));
  };

  // Header
  doc.font('Helvetica-Bold').fontSize(16).text(factory.name, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).fillColor(GREY).text(factory.address).text(factory.contact).fillColor('black');
  doc.font('Helvetica-Bold').fontSize(20).text('QUOTATION', MARGIN, MARGIN, { width: pageWidth, align: 'right' });
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(`No. ${input.quoteNumber}`, { width: pageWidth, align: 'right' })
    .text(`Date ${quote.quotedOn}`, { width: pageWidth, align: 'right' })
    .text(`Valid until ${quote.validUntil}`, { width: pageWidth, align: 'right' });
  doc.moveDown(1.5);
  doc.x = MARGIN;

  heading('Customer');
  doc.text(customer.name);
  if (customer.contact) doc.text(customer.contact);
  if (customer.reference) doc.text(`Reference: ${customer.reference}`);

  if (quote.approval) {
    // An engineer-approved quote is a firm offer: say what was reviewed, what changed and who decided.
    const a = quote.approval;
    heading('Engineering review');
    doc.text(`Approved by ${a.reviewedBy.name} (${a.reviewedBy.role}) on ${a.reviewedOn}.`, { width: pageWidth });
    if (a.secondApproval)
      doc.text(
        `Price change approved by ${a.secondApproval.name} (${a.secondApproval.role}) on ${a.secondApproval.on}.`,
        { width: pageWidth },
      );
    if (a.reasons.length) {
      doc.text('Reviewed because:', { width: pageWidth });
      for (const r of a.reasons) doc.text(`• ${r}`, { width: pageWidth });
    }
    for (const c of a.changes)
      doc.text(`• ${c.description}: from ${formatFen(c.fromFen)} to ${formatFen(c.toFen)} CNY`, { width: pageWidth });
    if (!a.changes.length)
      doc.text('Prices as calculated by the pricing rules; no line changed.', { width: pageWidth });
  } else if (quote.status === 'needs-engineering-review') {
    ensure(60);
    doc
      .moveDown(0.6)
      .font('Helvetica-Bold')
      .fontSize(11)
      .fillColor('#b00020')
      .text('DRAFT — awaiting engineering review; not an offer');
    doc.font('Helvetica').fontSize(9);
    for (const r of quote.reviewReasons) doc.text(`• ${r}`, { width: pageWidth });
    doc.fillColor('black');
  }

  heading('Board');
  const { board, drill, bom, placement } = analysis;
  const summary: string[][] = [
    [
      'Size',
      `${board.widthMm} × ${board.heightMm} mm (${board.areaCm2} cm²)${board.sizeFrom === 'copper' ? ', from copper extents' : ''}`,
    ],
    ['Copper layers', String(board.copperLayers)],
    [
      'Drilling',
      `${drill.holes} holes (${drill.plated} plated, ${drill.nonPlated} non-plated), ${drill.tools} tools, smallest ${drill.minDiameterMm ?? '-'} mm`,
    ],
    [
      'Quantity',
      `${quote.quantity} boards, ${quote.runType} run, ${quote.leadTime} lead time (${quote.leadTimeDays} days)`,
    ],
  ];
  if (bom)
    summary.push([
      'BOM',
      `${bom.lines} lines, ${bom.uniqueParts} unique parts, ${bom.placements} placements, ${bom.dnp} DNP; components ${quote.sourcing ?? '-'}`,
    ]);
  if (placement)
    summary.push([
      'Placement',
      `${placement.smt} SMT, ${placement.tht} through-hole; ${placement.top} top, ${placement.bottom} bottom (${placement.sides} side${placement.sides === 1 ? '' : 's'})`,
    ]);
  table(
    [
      { title: 'Item', width: 110 },
      { title: 'Value', width: pageWidth - 110 },
    ],
    summary,
  );

  heading('File checklist');
  if (analysis.issues.length === 0) doc.text('No findings.');
  const shown = analysis.issues.slice(0, 40);
  table(
    [
      { title: 'Severity', width: 60 },
      { title: 'Code', width: 140 },
      { title: 'Finding', width: pageWidth - 200 },
    ],
    shown.map((i) => [i.severity, i.code, i.message]),
  );
  if (analysis.issues.length > shown.length)
    doc.text(`… and ${analysis.issues.length - shown.length} more findings (see the analysis report).`);

  heading('Price');
  const money = (fen: number) => formatFen(fen);
  table(
    [
      { title: 'Description', width: pageWidth - 250 },
      { title: 'Qty', width: 60, align: 'right' },
      { title: 'Unit', width: 45 },
      { title: 'Unit price', width: 65, align: 'right' },
      { title: 'Total (CNY)', width: 80, align: 'right' },
    ],
    [
      ...quote.lineItems.map((l) => [
        l.description,
        String(l.quantity),
        l.unit,
        money(l.unitPriceFen),
        money(l.totalFen),
      ]),
      ['Total', '', '', '', money(quote.totalFen)],
    ],
    true,
  );
  doc
    .moveDown(0.3)
    .fillColor(GREY)
    .text(
      `Per board: CNY ${money(quote.perBoardFen)} (about USD ${formatFen(quote.perBoardUsdCents ?? toUsdCents(quote.perBoardFen, quote.usdRate))})  ·  Total: CNY ${money(quote.totalFen)} (about USD ${formatFen(quote.totalUsdCents)})  ·  ${quote.usdRate} CNY/USD`,
      MARGIN,
      doc.y,
      { width: pageWidth, align: 'right' },
    )
    .fillColor('black');

  heading('Quantity breaks');
  table(
    [
      { title: 'Boards', width: 80, align: 'right' },
      { title: 'Run', width: 80 },
      { title: 'Total (CNY)', width: 120, align: 'right' },
      { title: 'Per board (CNY)', width: 120, align: 'right' },
    ],
    quote.quantityBreaks.map((b) => [String(b.quantity), b.runType, money(b.totalFen), money(b.perBoardFen)]),
  );

  heading('Terms');
  for (const t of quote.terms) doc.text(`• ${t}`, { width: pageWidth });
  doc.text(`• Valid until ${quote.validUntil}.`, { width: pageWidth });

  if (analysis.inputs?.length) {
    heading('Files quoted (SHA-256)');
    doc.font('Courier').fontSize(7);
    for (const f of analysis.inputs) {
      ensure(12);
      doc.text(`${f.sha256}  ${f.role.padEnd(6)} ${f.file} (${f.bytes} bytes)`, MARGIN, doc.y, { width: pageWidth });
    }
    if (analysis.inputHash) doc.font('Courier-Bold').text(`${analysis.inputHash}  file set`, { width: pageWidth });
    doc.font('Helvetica').fontSize(9);
  }
  doc
    .moveDown(1)
    .fontSize(7)
    .fillColor(GREY)
    .text(
      `Pricing rules ${quote.rulesVersion}${quote.catalogVersion ? `, component catalog ${quote.catalogVersion}` : ''}.`,
      MARGIN,
      doc.y,
      { width: pageWidth },
    );
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    const y = doc.page.height - MARGIN + 10;
    // Writing below the bottom margin would add a page; lift the margin for the footer line.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(GREY)
      .text(`${factory.name}  ·  Quotation ${input.quoteNumber}  ·  page ${i + 1} of ${pages.count}`, MARGIN, y, {
        width: pageWidth,
        align: 'center',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}

/** Renders and writes the PDF (atomically: temp file then rename); returns where and its hash. */
export async function writeQuotePdf(
  input: QuotePdfInput,
  path: string,
): Promise<{ path: string; bytes: number; sha256: string }> {
  const pdf = await renderQuotePdf(input);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, pdf);
  await rename(tmp, path);
  return { path, bytes: pdf.length, sha256: sha256(pdf) };
}
