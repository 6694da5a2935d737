import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommandLine(argv, env, '0.0.0');

describe('the command line', () => {
  it('reads files and options, with the defaults the help states', () => {
    expect(parse(['a.png', 'b.png', '--psm', '6', '--lang', 'eng+deu'])).toEqual({
      inputs: ['a.png', 'b.png'],
      server: undefined,
      apiKey: undefined,
      lang: 'eng+deu',
      psm: 6,
      format: 'text',
      outDir: undefined,
      concurrency: 2,
    });
  });

  it('takes the pages of documents to read as the upload does', () => {
    expect(parse(['a.pdf', '--pages', '1-3,5'])?.pages).toBe('1-3,5');
  });

  it('takes the server and key from the environment unless given, and --json as --format json', () => {
    const options = parse(['a.png', '--json'], { IMAGE_OCR_SERVER: 'http://ocr.example:3000/', IMAGE_OCR_API_KEY: 'k'.repeat(16) });
    expect(options).toMatchObject({ server: 'http://ocr.example:3000', apiKey: 'k'.repeat(16), format: 'json' });
    expect(parse(['a.png', '--server', 'http://other:1'], { IMAGE_OCR_SERVER: 'http://ocr.example' })?.server).toBe('http://other:1');
  });

  it.each([
    [['--psm', '6'], /at least one image/],
    [['a.png', '--psm', '14'], /--psm must be a whole number from 0 to 13/],
    [['a.png', '--concurrency', '0'], /--concurrency/],
    [['a.png', '--format', 'docx'], /--format must be one of text, hocr, tsv, pdf, json/],
    [['--bogus', 'a.png'], /Unknown option --bogus/],
    [['a.png', '--pages'], /--pages needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
