/**
 * Whether a customer's file set is complete for what they asked (seed 001, "Preparation before SMT processing"):
 * "The electronic file of standard circuit diagram shall include 4 layers: pad file, through-hole file, text
 * surface file and solder mask file" — copper (pads), drill, silkscreen (text) and solder mask — and the BOM
 * "contains position coordinates" (a placement file). The paste layer is what the stencil ("printed steel plate")
 * is cut from. Seed 001 §3 lets the customer supply the "empty PCB board" and the "printed steel plate" themselves.
 *
 * Each missing file is a finding with a stable code; an incomplete set is never quoted automatically.
 */
import type { QuoteAnalysis } from './analyze';

/** Who provides the bare boards and the stencil (seed 001 §3 "Supplementary information"). */
export type SuppliedBy = 'factory' | 'customer';

/** Layers a customer may declare intentionally absent (a single-sided board, a board without holes or legend). */
export const DECLARABLE_ABSENT_LAYERS = [
  'copper-bottom',
  'drill',
  'soldermask-top',
  'soldermask-bottom',
  'silkscreen-top',
  'silkscreen-bottom',
] as const;
export type DeclarableAbsentLayer = (typeof DECLARABLE_ABSENT_LAYERS)[number];

/** What the customer asked for, as far as the file set depends on it. */
export interface FileSetRequest {
  /** Assembly wanted; undefined = the customer did not say. */
  assembly?: boolean;
  /** Who supplies the bare PCBs; the factory fabricates them by default. */
  pcbSuppliedBy?: SuppliedBy;
  /** Who supplies the stencil; the factory cuts it by default. */
  stencilSuppliedBy?: SuppliedBy;
  /** Layers the customer says are absent on purpose. */
  absentLayers?: readonly DeclarableAbsentLayer[];
}

/** The stable codes of missing files (documented in the README's checklist codes). */
export type MissingFileCode =
  | 'files-copper-missing'
  | 'files-drill-missing'
  | 'files-soldermask-missing'
  | 'files-silkscreen-missing'
  | 'files-paste-missing'
  | 'files-bom-missing'
  | 'files-placement-missing'
  | 'files-service-unstated'
  | 'files-nothing-to-do';

/** One file the customer still has to send (or declare absent). */
export interface MissingFile {
  code: MissingFileCode;
  /** The board side the file is for, when it is per side. */
  side?: 'top' | 'bottom';
  message: string;
}

/** The analysis fields the check reads. */
export type FileSetAnalysis = Pick<QuoteAnalysis, 'layers' | 'bom' | 'placement'>;

const SIDES = ['top', 'bottom'] as const;

/** Whether assembly is wanted: as stated, else "a BOM or placement file was sent". */
export function assemblyWanted(analysis: Pick<QuoteAnalysis, 'bom' | 'placement'>, request: FileSetRequest): boolean {
  return request.assembly ?? (analysis.bom !== null || analysis.placement !== null);
}

/** Lists the files missing for the request; empty when the set is complete. */
export function missingFiles(analysis: FileSetAnalysis, request: FileSetRequest): MissingFile[] {
  const missing: MissingFile[] = [];
  const absent = new Set(request.absentLayers ?? []);
  const has = (type: string, side?: 'top' | 'bottom') =>
    analysis.layers.some((l) => l.type === type && (side === undefined || l.side === side));
  const assembly = assemblyWanted(analysis, request);
  const pcbByFactory = (request.pcbSuppliedBy ?? 'factory') === 'factory';

  if (request.assembly === undefined && !analysis.bom && !analysis.placement) {
    missing.push({
      code: 'files-service-unstated',
      message:
        'Only board files were sent: say whether you want bare boards only, or send the BOM and placement file for assembly',
    });
  }
  if (!assembly && !pcbByFactory) {
    missing.push({
      code: 'files-nothing-to-do',
      message: 'The bare boards are your own and no assembly was asked for: there is nothing to make',
    });
  }

  if (pcbByFactory) {
    // "Copper for every layer": both outer sides unless the board is declared single-sided, and inner
    // layers come in pairs between them (an odd count means one is missing).
    const copperSides = SIDES.filter((side) => side === 'top' || !absent.has('copper-bottom'));
    for (const side of copperSides) {
      if (!has('copper', side))
        missing.push({
          code: 'files-copper-missing',
          side,
          message: `No ${side} copper layer (pads and tracks)${side === 'bottom' ? '; declare it absent if the board is single-sided' : ''}`,
        });
    }
    const inner = analysis.layers.filter((l) => l.type === 'copper' && l.side === 'inner').length;
    if (inner % 2 === 1)
      missing.push({
        code: 'files-copper-missing',
        message: `${inner} inner copper layer(s): a multilayer board has inner layers in pairs, so one is missing`,
      });
    if (!has('drill') && !absent.has('drill')) {
      missing.push({
        code: 'files-drill-missing',
        message: 'No drill (through-hole) file; declare it absent if the board truly has no holes',
      });
    }
    for (const side of copperSides) {
      if (!has('soldermask', side) && !absent.has(`soldermask-${side}`)) {
        missing.push({
          code: 'files-soldermask-missing',
          side,
          message: `No ${side} solder mask layer; declare it absent if the ${side} side has no mask`,
        });
      }
      if (!has('silkscreen', side) && !absent.has(`silkscreen-${side}`)) {
        missing.push({
          code: 'files-silkscreen-missing',
          side,
          message: `No ${side} silkscreen (legend) layer; declare it absent if the ${side} side has no legend`,
        });
      }
    }
  }

  if (assembly) {
    if (!analysis.bom) missing.push({ code: 'files-bom-missing', message: 'Assembly asked for but no BOM was sent' });
    if (!analysis.placement)
      missing.push({
        code: 'files-placement-missing',
        message: 'Assembly asked for but no placement (pick-and-place coordinates) file was sent',
      });
    if ((request.stencilSuppliedBy ?? 'factory') === 'factory') {
      // Paste is needed for each side that carries parts; without a placement file the top side is assumed.
      const placement = analysis.placement;
      const sides = !placement
        ? (['top'] as const)
        : placement.smt === 0
          ? []
          : SIDES.filter((side) => placement[side] > 0);
      for (const side of sides) {
        if (!has('solderpaste', side))
          missing.push({
            code: 'files-paste-missing',
            side,
            message: `Parts on the ${side} side but no ${side} paste layer: no stencil can be cut (send the paste layer, or supply the stencil yourself)`,
          });
      }
    }
  }
  return missing;
}
