import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * National holidays and collective leave (cuti bersama) imported after release (`cli holidays:import`), one year
 * at a time: they extend the bundled calendar, so deadlines in a newly decreed year stop being provisional.
 * `holiday_years` says which years were imported, from which decree; a year imported again replaces its rows.
 */
export class Holidays1764000000016 implements MigrationInterface {
  name = 'Holidays1764000000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE holiday_years (
        year        integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 2199),
        source      text NOT NULL,
        imported_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE holidays (
        year          integer NOT NULL REFERENCES holiday_years (year) ON DELETE CASCADE,
        date          date NOT NULL,
        name          text NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('national', 'cuti_bersama', 'regional')),
        region_prefix text COLLATE "C",
        provisional   boolean NOT NULL DEFAULT false,
        CHECK (extract(year FROM date) = year),
        CHECK ((kind = 'regional') = (region_prefix IS NOT NULL))
      )`);
    await q.query('CREATE INDEX holidays_year_idx ON holidays (year, date)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE holidays, holiday_years');
  }
}
