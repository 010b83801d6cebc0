import { parseBom } from './bom';
import { readTextTable } from './table';

const rows = (text: string) => readTextTable(text, 5000);

describe('parseBom', () => {
  it.each([
    [
      'KiCad',
      'Reference,Value,Footprint,Qty,MPN,DNP\n"C1,C2",100nF,C_0402,2,CL05B104KO5NNNC,\nR1,10k,R_0402,1,RC0402,\n',
    ],
    [
      'Altium',
      'Line #,Comment,Description,Designator,Footprint,Manufacturer Part Number,Quantity\n1,100nF,cap,C1 C2,C_0402,CL05B104KO5NNNC,2\n2,10k,res,R1,R_0402,RC0402,1\n',
    ],
    ['JLC', 'Comment,Designator,Footprint,LCSC Part #\n100nF,"C1,C2",C_0402,C1525\n10k,R1,R_0402,C25744\n'],
    [
      'PCBWay (TSV)',
      'Item\tDesignator\tQty\tManufacturer\tMfg Part #\tDescription / Value\tPackage/Footprint\n1\tC1,C2\t2\tSamsung\tCL05B104KO5NNNC\t100nF\t0402\n2\tR1\t1\tYageo\tRC0402\t10k\t0402\n',
    ],
  ])('reads %s columns', (_tool, text) => {
    const bom = parseBom(rows(text), { file: 'bom.csv' });
    expect(bom.issues).toEqual([]);
    expect(bom.summary).toEqual({ lines: 2, uniqueParts: 2, placements: 3, dnp: 0 });
    expect(bom.lines[0].designators).toEqual(['C1', 'C2']);
  });

  it('keeps MPN, manufacturer and supplier part apart', () => {
    const bom = parseBom(
      rows('Designator,Comment,Manufacturer,Manufacturer Part Number,LCSC Part #\nU1,MCU,ST,STM32G031K8T6,C432211\n'),
    );
    expect(bom.lines[0]).toMatchObject({
      manufacturer: 'ST',
      mpn: 'STM32G031K8T6',
      supplierPart: 'C432211',
      value: 'MCU',
    });
  });

  it('expands ranges and counts DNP designators separately', () => {
    const bom = parseBom(
      rows('Designator,Value,Footprint,DNP\nR1-R4,10k,R_0402,\nR5,10k,R_0402,DNP\nC1,DNP,C_0402,\n'),
    );
    expect(bom.summary).toEqual({ lines: 3, uniqueParts: 1, placements: 4, dnp: 2 });
  });

  it('reads a Fitted column the right way round', () => {
    const bom = parseBom(rows('Designator,Value,Fitted\nR1,10k,Fitted\nR2,10k,Not Fitted\n'));
    expect(bom.lines.map((l) => l.dnp)).toEqual([false, true]);
  });

  it('names blank rows, short rows, missing designators, quantity mismatches and duplicates by row', () => {
    const bom = parseBom(
      rows(
        'Designator,Value,Footprint,Qty\nR1,10k,R_0402,1\n,,,\nR2\n,1k,R_0402,1\n"R3,R4",4k7,R_0402,3\nR1,10k,R_0402,1\n',
      ),
      { file: 'b.csv' },
    );
    const found = bom.issues.map((i) => [i.code, i.row, i.refs ?? []]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['bom-row-blank', 3, []],
        ['bom-row-short', 4, []],
        ['bom-designator-missing', 5, []],
        ['bom-quantity-mismatch', 6, ['R3', 'R4']],
        ['bom-designator-duplicate', 7, ['R1']],
      ]),
    );
    expect(bom.issues).toHaveLength(5);
    expect(bom.issues.find((i) => i.code === 'bom-row-short')!.message).toContain('b.csv row 4');
  });

  it('reports a file without a recognisable header', () => {
    const bom = parseBom(rows('just,some,words\n1,2,3\n'));
    expect(bom.issues.map((i) => i.code)).toEqual(['bom-header-missing']);
  });

  it('bounds the number of rows read', () => {
    const text = `Designator,Value\n${Array.from({ length: 30 }, (_, i) => `R${i + 1},1k`).join('\n')}\n`;
    const bom = parseBom(rows(text), { maxRows: 10 });
    expect(bom.lines).toHaveLength(10);
    expect(bom.issues.map((i) => i.code)).toContain('bom-too-many-rows');
  });
});
