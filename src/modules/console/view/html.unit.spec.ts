import { href, html, raw } from './html';

describe('html', () => {
  it('escapes interpolated text, attributes included', () => {
    const name = `<script>alert("x")</script> & 'y'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>',
    );
  });

  it('keeps nested html and raw markup, joins lists and drops empty values', () => {
    const items = ['a', 'b<'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${false}${undefined}${raw('<hr>')}${0}`.value).toBe('<ul><li>a</li><li>b&lt;</li></ul><hr>0');
  });

  it('builds links whose query values are encoded', () => {
    expect(href('/console/cases', { status: 'OPEN', regionCode: '73.07', agency: '', cursor: null })).toBe('/console/cases?status=OPEN&regionCode=73.07');
    expect(href('/x', { q: 'a&b=c' })).toBe('/x?q=a%26b%3Dc');
    expect(href('/x')).toBe('/x');
  });
});
