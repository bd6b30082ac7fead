import { findLinks, linkRule } from '../../../src/moderation/rules/linkRule';
import { ruleInput } from './ruleInput';

describe('findLinks', () => {
  test.each([
    ['no links', 'No links here. U.S. and e.g. are not domains.', 0],
    ['http and https', 'see http://a.example/x and https://b.example', 2],
    ['www host', 'go to www.example.org/page', 1],
    ['bare domain with common TLD', 'cheap at pills-online.ru/buy', 1],
    ['the same link twice counts twice', 'https://x.example https://x.example', 2],
    ['markdown link', '[here](https://x.example/a)', 1],
    ['fullwidth dot normalised', 'ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', 1],
  ])('%s', (_case, text, count) => {
    expect(findLinks(text)).toHaveLength(count);
  });
});

describe('linkRule', () => {
  const five = 'a https://1.example b https://2.example c https://3.example d https://4.example e https://5.example';
  test.each([
    ['over the limit holds', five, 2, { decision: 'hold', reasons: ['links:5>2'] }],
    ['at the limit passes', 'https://1.example https://2.example', 2, null],
    ['limit zero', 'https://1.example', 0, { decision: 'hold', reasons: ['links:1>0'] }],
  ])('%s', (_case, body, maxLinks, expected) => {
    expect(linkRule(ruleInput({ settings: { maxLinks }, comment: { body } }))).toEqual(expected);
  });
});
