/**
 * `smt quote ...`: the quote engine from the command line.
 *   smt quote analyze <gerber.zip | folder> [--bom FILE] [--cpl FILE] [--json] [--csv FILE]
 *   smt quote price   <gerber.zip | folder> --quantity N [--bom FILE] [--cpl FILE] [--pdf FILE] [--json] ...
 * With --json only the JSON document goes to stdout; refusals go to stderr with exit code 2.
 */
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { analyzeFiles, AnalyzedUpload } from '../../../activities/quote/analyze-files';
import { ArchiveRejectedError } from '../../files/archive';
import { loadCatalog, loadPricingRules } from '../../../activities/quote/pricing-config';
import { DEFAULT_FACTORY, writeQuotePdf } from '../../../activities/quote/quote-pdf';
import { toCsv } from '../../../domain/quote/csv-export';
import { PricedQuote, priceQuote } from '../../../domain/quote/pricing';
import { formatFen } from '../../../domain/shared/money';
import { DECLARABLE_ABSENT_LAYERS, type DeclarableAbsentLayer } from '../../../domain/quote/file-set';
import { InputRejectedError } from '../../../domain/quote/table';

interface AnalyzeFlags {
  bom?: string;
  cpl?: string;
  json?: boolean;
  csv?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof ArchiveRejectedError || err instanceof InputRejectedError) {
      process.stderr.write(`rejected (${err.code}): ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`not found: ${(err as NodeJS.ErrnoException).path}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

/** Human-readable summary of an analysis. */
export function formatAnalysis(a: AnalyzedUpload): string {
  const out: string[] = [];
  out.push(
    `Board     ${a.board.widthMm} × ${a.board.heightMm} mm, ${a.board.areaCm2} cm², ${a.board.copperLayers} copper layer(s)${a.board.sizeFrom === 'copper' ? ' (size from copper extents)' : ''}`,
  );
  out.push(
    `Drill     ${a.drill.holes} holes (${a.drill.plated} plated, ${a.drill.nonPlated} non-plated), ${a.drill.tools} tools, smallest ${a.drill.minDiameterMm ?? '-'} mm`,
  );
  if (a.bom)
    out.push(
      `BOM       ${a.bom.lines} lines, ${a.bom.uniqueParts} unique parts, ${a.bom.placements} placements, ${a.bom.dnp} DNP`,
    );
  if (a.placement)
    out.push(
      `Placement ${a.placement.smt} SMT, ${a.placement.tht} THT; ${a.placement.top} top, ${a.placement.bottom} bottom; ${a.placement.sides} side(s)`,
    );
  out.push('', 'Layers');
  const width = Math.max(...a.layers.map((l) => l.file.length), 4);
  for (const l of a.layers)
    out.push(`  ${l.file.padEnd(width)}  ${l.format.padEnd(7)} ${l.type.padEnd(11)} ${l.side ?? ''}`);
  out.push('', `Checklist (${a.issues.length})`);
  for (const i of a.issues) out.push(`  ${i.severity.toUpperCase().padEnd(7)} ${i.code}: ${i.message}`);
  out.push('', `Input set sha256 ${a.inputHash}`);
  return out.join('\n');
}

/** Human-readable summary of a priced quote. */
export function formatQuote(q: PricedQuote): string {
  const out: string[] = [];
  out.push(
    `Quote     ${q.quantity} boards, ${q.runType}, ${q.leadTime} (${q.leadTimeDays} days), rules ${q.rulesVersion}`,
  );
  out.push(`Status    ${q.status}`);
  for (const r of q.reviewReasons) out.push(`  - ${r}`);
  out.push('');
  for (const l of q.lineItems)
    out.push(
      `  ${l.description.slice(0, 70).padEnd(70)} ${String(l.quantity).padStart(7)} ${l.unit.padEnd(6)} × ${formatFen(l.unitPriceFen).padStart(9)} = ${formatFen(l.totalFen).padStart(11)}`,
    );
  out.push(`  ${'Total CNY'.padEnd(70)} ${''.padStart(28)} ${formatFen(q.totalFen).padStart(11)}`);
  out.push(
    `  per board CNY ${formatFen(q.perBoardFen)}, about USD ${formatFen(q.totalUsdCents)}; valid until ${q.validUntil}`,
  );
  out.push('', 'Quantity breaks');
  for (const b of q.quantityBreaks)
    out.push(
      `  ${String(b.quantity).padStart(6)}  ${b.runType.padEnd(8)} CNY ${formatFen(b.totalFen).padStart(11)}  (${formatFen(b.perBoardFen)}/board)`,
    );
  return out.join('\n');
}

/** Registers `smt quote`. */
export function register(program: Command): void {
  const quote = program
    .command('quote')
    .description('quote engine: analyse Gerber / drill / BOM / placement files and price them');

  quote
    .command('analyze')
    .description('identify layers, measure the board, count holes and placements, check the files')
    .argument('<input>', 'Gerber zip archive or folder')
    .option('--bom <file>', 'BOM (CSV, TSV or XLSX)')
    .option('--cpl <file>', 'placement / pick-and-place file (KiCad .pos, Altium, JLC CPL)')
    .option('--json', 'print the analysis as JSON (only JSON on stdout)')
    .option('--csv <file>', 'write the checklist findings as CSV (formula-safe)')
    .action((input: string, flags: AnalyzeFlags) =>
      run(async () => {
        const analysis = await analyzeFiles({ gerbers: input, bom: flags.bom, cpl: flags.cpl });
        if (flags.csv) {
          await writeFile(
            flags.csv,
            toCsv(
              ['severity', 'code', 'file', 'row', 'refs', 'message'],
              analysis.issues.map((i) => [
                i.severity,
                i.code,
                i.file ?? '',
                i.row ?? '',
                (i.refs ?? []).join(' '),
                i.message,
              ]),
            ),
          );
        }
        process.stdout.write(flags.json ? `${JSON.stringify(analysis, null, 2)}\n` : `${formatAnalysis(analysis)}\n`);
      }),
    );

  quote
    .command('price')
    .description('analyse and price a job; optionally render the quote PDF')
    .argument('<input>', 'Gerber zip archive or folder')
    .requiredOption('-q, --quantity <n>', 'number of boards', positiveInt)
    .option('--bom <file>', 'BOM (CSV, TSV or XLSX)')
    .option('--cpl <file>', 'placement file')
    .option('--lead-time <name>', 'standard, express or rush', 'standard')
    .option('--consigned', 'the customer supplies the components')
    .option('--no-assembly', 'bare boards only')
    .option('--customer-pcbs', 'the customer supplies the bare PCBs')
    .option('--customer-stencil', 'the customer supplies the stencil')
    .option(
      '--absent <layers>',
      `layers intentionally absent, comma-separated (${DECLARABLE_ABSENT_LAYERS.join(', ')})`,
    )
    .option('--run <type>', 'force proofing or volume pricing')
    .option('--date <yyyy-mm-dd>', 'quote date (default: today, UTC)')
    .option('--rules <file>', 'pricing rule set (default: config/pricing, the version in force)')
    .option('--customer <name>', 'customer name for the PDF', 'Customer')
    .option('--number <quoteNumber>', 'quote number for the PDF')
    .option('--pdf <file>', 'write the quote PDF here')
    .option('--csv <file>', 'write the line items and quantity breaks as CSV (formula-safe)')
    .option('--json', 'print { analysis, quote } as JSON')
    .action(
      (
        input: string,
        flags: {
          quantity: number;
          bom?: string;
          cpl?: string;
          leadTime: string;
          consigned?: boolean;
          assembly: boolean;
          customerPcbs?: boolean;
          customerStencil?: boolean;
          absent?: string;
          run?: string;
          date?: string;
          rules?: string;
          customer: string;
          number?: string;
          pdf?: string;
          csv?: string;
          json?: boolean;
        },
      ) =>
        run(async () => {
          if (flags.run && flags.run !== 'proofing' && flags.run !== 'volume')
            throw new InvalidArgumentError('--run must be proofing or volume');
          const quotedOn = flags.date ?? new Date().toISOString().slice(0, 10);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(quotedOn)) throw new InvalidArgumentError('--date must be YYYY-MM-DD');
          const absentLayers = (flags.absent ?? '')
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean);
          const unknownLayer = absentLayers.find((l) => !(DECLARABLE_ABSENT_LAYERS as readonly string[]).includes(l));
          if (unknownLayer)
            throw new InvalidArgumentError(
              `--absent: "${unknownLayer}" is not one of ${DECLARABLE_ABSENT_LAYERS.join(', ')}`,
            );
          const [analysis, rules, catalog] = await Promise.all([
            analyzeFiles({ gerbers: input, bom: flags.bom, cpl: flags.cpl }),
            loadPricingRules(flags.rules),
            loadCatalog(),
          ]);
          const priced = priceQuote(
            analysis,
            {
              quantity: flags.quantity,
              quotedOn,
              leadTime: flags.leadTime,
              sourcing: flags.consigned ? 'consigned' : 'turnkey',
              assembly: flags.assembly && (analysis.bom !== null || analysis.placement !== null),
              runType: flags.run as 'proofing' | 'volume' | undefined,
              pcbSuppliedBy: flags.customerPcbs ? 'customer' : 'factory',
              stencilSuppliedBy: flags.customerStencil ? 'customer' : 'factory',
              absentLayers: absentLayers as DeclarableAbsentLayer[],
            },
            rules,
            catalog,
          );
          let pdf: { path: string; sha256: string } | null = null;
          if (flags.pdf) {
            const number = flags.number ?? `Q-${quotedOn.replace(/-/g, '')}-${analysis.inputHash.slice(0, 8)}`;
            pdf = await writeQuotePdf(
              {
                quoteNumber: number,
                factory: DEFAULT_FACTORY,
                customer: { name: flags.customer },
                analysis,
                quote: priced,
              },
              flags.pdf,
            );
          }
          if (flags.csv) {
            const money = (fen: number) => (fen / 100).toFixed(2);
            await writeFile(
              flags.csv,
              toCsv(
                ['category', 'code', 'description', 'quantity', 'unit', 'unit_price_cny', 'total_cny'],
                [
                  ...priced.lineItems.map((l) => [
                    l.category,
                    l.code,
                    l.description,
                    l.quantity,
                    l.unit,
                    money(l.unitPriceFen),
                    money(l.totalFen),
                  ]),
                  ['total', '', `${priced.quantity} boards, ${priced.status}`, '', '', '', money(priced.totalFen)],
                  ...priced.quantityBreaks.map((b) => [
                    'quantity-break',
                    '',
                    `${b.quantity} boards (${b.runType})`,
                    b.quantity,
                    'board',
                    money(b.perBoardFen),
                    money(b.totalFen),
                  ]),
                ],
              ),
            );
          }
          if (flags.json) process.stdout.write(`${JSON.stringify({ analysis, quote: priced, pdf }, null, 2)}\n`);
          else
            process.stdout.write(
              `${formatAnalysis(analysis)}\n\n${formatQuote(priced)}\n${pdf ? `\nPDF ${pdf.path} (sha256 ${pdf.sha256})\n` : ''}`,
            );
        }),
    );
}
