/**
 * What a footprint / package name tells about assembly: through-hole or surface mount, and roughly how
 * many solder joints it has (used for per-joint pricing when no pad count is available).
 */

/** Names that mean a through-hole part (KiCad, Altium, Eagle and JLC library conventions). */
const THT_PATTERNS: RegExp[] = [
  /\bTHT\b/i,
  /_THT\b/i,
  /\bTH\b/,
  /through[\s_-]?hole/i,
  /\bPTH\b/i,
  /^DIP[-_]?\d*/i,
  /[_\-]DIP[-_]?\d+/i,
  /\bPDIP\b/i,
  /\bSIP[-_]?\d/i,
  /PinHeader/i,
  /PinSocket/i,
  /Pin_?Header/i,
  /TerminalBlock/i,
  /Terminal_?Block/i,
  /\bScrew[_ ]?Terminal/i,
  /\bTO[-_]?(92|220|247|3P|126|218|264)\b/i,
  /\bTO[-_]?(92|220|247)/i,
  /\bAxial\b/i,
  /_Axial_/i,
  /\bRadial\b/i,
  /CP_Radial/i,
  /C_Radial/i,
  /C_Disc/i,
  /R_Axial/i,
  /D_DO-(35|41|15|201)/i,
  /\bHC-?49(?![-_ ]?(SMD|US_SMD|SMD))/i,
  /\bHDR[-_]/i,
  /\bIDC[-_]/i,
  /\bJST_(XH|PH|EH|VH)_B\d+B/i,
  /Vertical\b/i,
];

/** Names that are surface mount even though a THT word appears in them (e.g. `PinHeader_..._SMD`). */
const SMD_OVERRIDES: RegExp[] = [/\bSMD\b/i, /_SMD\b/i, /SMD[_-]/i, /\bSMT\b/i, /Horizontal_SMD/i];

/** True when a footprint / package name is through-hole. Unknown names count as SMT. */
export function isThroughHole(footprint: string | null | undefined): boolean {
  if (!footprint) return false;
  if (SMD_OVERRIDES.some((re) => re.test(footprint))) return false;
  return THT_PATTERNS.some((re) => re.test(footprint));
}

/**
 * Estimated pin (joint) count from a footprint name: an explicit count (`LQFP-32`, `SOT-23-5`,
 * `PinHeader_1x04`, `-4Pin`, `DIP-8`), otherwise 2 for two-terminal parts and SOT-23's 3.
 */
export function estimatePins(footprint: string | null | undefined): number {
  if (!footprint) return 2;
  const f = footprint;
  const grid = /_(\d+)x(\d+)(?:_|$)/i.exec(f); // PinHeader_2x05, TerminalBlock_..._1x02
  if (grid && /Pin|Header|Socket|Terminal|Conn/i.test(f)) return Number(grid[1]) * Number(grid[2]);
  const pinWord = /[-_](\d+)[-_ ]?Pins?(?![a-z])/i.exec(f);
  if (pinWord) return Number(pinWord[1]);
  const sot23 = /SOT-?23(?:-(\d+))?(?!\d)/i.exec(f);
  if (sot23) return sot23[1] ? Number(sot23[1]) : 3;
  const to = /(?:^|[^A-Za-z])TO-?(\d+)(?:-(\d+))?/i.exec(f);
  if (to) return to[2] ? Number(to[2]) : 3;
  if (/SOT-?223/i.test(f)) return 4;
  if (/SOT-?89|DPAK/i.test(f)) return 3;
  const sc70 = /SC-?70-(\d+)/i.exec(f);
  if (sc70) return Number(sc70[1]);
  const family =
    /(?:^|[^A-Za-z])(?:[A-Z]{0,2}QFP|[A-Z]{0,2}QFN|[A-Z]{0,2}SOIC|[A-Z]{0,3}SOP|[A-Z]?DFN|[A-Z]?SON|LGA|BGA|P?DIP|SIP|PLCC|LCC|W?LCSP)[-_]?(\d+)/i.exec(
      f,
    );
  if (family && Number(family[1]) > 0 && Number(family[1]) < 2000) return Number(family[1]);
  if (/USB[_-]?C/i.test(f)) return 16;
  return 2;
}
