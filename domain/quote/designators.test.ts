import { expandDesignators, MAX_RANGE } from './designators';
import { estimatePins, isThroughHole } from './footprint';

describe('expandDesignators', () => {
  it.each([
    ['C1,C2,C3', ['C1', 'C2', 'C3']],
    ['C1 C2  C3', ['C1', 'C2', 'C3']],
    ['R1; R2', ['R1', 'R2']],
    ['R1-R4', ['R1', 'R2', 'R3', 'R4']],
    ['R1-4', ['R1', 'R2', 'R3', 'R4']],
    ['D1..D3, LED7', ['D1', 'D2', 'D3', 'LED7']],
    ['', []],
  ])('%j → %j', (cell, expected) => {
    expect(expandDesignators(cell)).toEqual({ designators: expected, invalid: [] });
  });

  it('refuses ranges across prefixes, backwards or beyond the bound', () => {
    expect(expandDesignators('R1-C4').invalid).toEqual(['R1-C4']);
    expect(expandDesignators('R9-R2').invalid).toEqual(['R9-R2']);
    expect(expandDesignators(`R1-R${MAX_RANGE + 1}`).invalid).toHaveLength(1);
    expect(expandDesignators('???').invalid).toEqual(['???']);
  });
});

describe('footprints', () => {
  it.each([
    ['PinHeader_1x04_P2.54mm_Vertical', true, 4],
    ['TerminalBlock_5.08mm_1x02', true, 2],
    ['DIP-8_W7.62mm', true, 8],
    ['TO-220-3_Vertical', true, 3],
    ['CP_Radial_D5.0mm_P2.00mm', true, 2],
    ['PinHeader_1x04_P2.54mm_Vertical_SMD_Pin1Left', false, 4],
    ['C_0402_1005Metric', false, 2],
    ['LQFP-32_7x7mm_P0.8mm', false, 32],
    ['SOT-23-5', false, 5],
    ['SOT-23', false, 3],
    ['Bosch_LGA-8_2.5x2.5mm_P0.65mm', false, 8],
    ['Crystal_SMD_3225-4Pin_3.2x2.5mm', false, 4],
    ['QFN-20-1EP_4x4mm', false, 20],
  ])('%s: through-hole %s, %i joints', (footprint, tht, pins) => {
    expect(isThroughHole(footprint)).toBe(tht);
    expect(estimatePins(footprint)).toBe(pins);
  });
});
