import { MemoryModel } from '../../../src/spam/naiveBayes';
import { isCharGram } from '../../../src/spam/charGrams';
import { scoreLogOdds, scoreTwoOpinions, tokenWeight } from '../../../src/spam/logOddsModel';
import { tokenize } from '../../../src/spam/tokenize';

describe('tokenWeight', () => {
  const stats = { spamDocs: 50, hamDocs: 500 };
  test('rates are per class: a token in 10% of each class says nothing, however unequal the classes', () => {
    expect(tokenWeight({ spam: 5, ham: 50 }, stats)).toBeCloseTo(0, 10);
  });
  test('a token seen once weighs little, in either direction alike', () => {
    const once = tokenWeight({ spam: 1, ham: 0 }, stats);
    expect(once).toBeGreaterThan(0);
    expect(once).toBeLessThan(1.2);
    expect(tokenWeight({ spam: 0, ham: 1 }, stats)).toBeCloseTo(-once, 10);
  });
  test('no token weighs more than the clip, however often it was seen', () => {
    expect(tokenWeight({ spam: 50, ham: 0 }, stats)).toBe(3);
    expect(tokenWeight({ spam: 0, ham: 500 }, stats)).toBe(-3);
  });
});

describe('scoreLogOdds', () => {
  function trained(): MemoryModel {
    const m = new MemoryModel();
    for (let i = 0; i < 40; i++) {
      m.train(['check', 'views', 'channel', 'links:1', 'subscribe', `promo${i}`], 'spam');
      m.train(['council', 'bus', 'links:0', `word${i}`, ...(i % 4 === 0 ? ['check', 'views'] : [])], 'ham');
    }
    return m;
  }

  test('no score while either class has too few decisions', () => {
    const m = new MemoryModel();
    m.train(['a'], 'spam');
    expect(scoreLogOdds(['a'], m.counts, m.stats)).toEqual({ score: null, clues: 0, evidence: 0 });
  });

  test('separates what it was taught', () => {
    const m = trained();
    expect(scoreLogOdds(['check', 'views', 'channel', 'subscribe', 'links:1'], m.counts, m.stats).score!).toBeGreaterThan(0.9);
    expect(scoreLogOdds(['council', 'bus', 'links:0'], m.counts, m.stats).score!).toBeLessThan(0.1);
  });

  test('a couple of common words cannot make a sure score: confidence needs many distinct clues', () => {
    const m = trained();
    const few = scoreLogOdds(['check', 'views'], m.counts, m.stats);
    const many = scoreLogOdds(['check', 'views', 'channel', 'subscribe', 'links:1'], m.counts, m.stats);
    expect(few.clues).toBe(2);
    expect(few.score!).toBeLessThan(0.9);
    expect(many.score!).toBeGreaterThan(few.score!);
  });

  test('unknown words only: no evidence, a middling score', () => {
    const m = trained();
    const r = scoreLogOdds(['zebra', 'quartz'], m.counts, m.stats);
    expect(r.clues).toBe(0);
    expect(r.score!).toBeGreaterThan(0.2);
    expect(r.score!).toBeLessThan(0.3);
  });

  test('the class sizes are no evidence: ten times more spam decisions do not raise an unrelated score', () => {
    const a = new MemoryModel();
    const b = new MemoryModel();
    for (let i = 0; i < 20; i++) {
      a.train(['pills', `s${i}`], 'spam');
      a.train(['council', `h${i}`], 'ham');
    }
    for (let i = 0; i < 200; i++) b.train(['pills', `s${i}`], 'spam');
    for (let i = 0; i < 20; i++) b.train(['council', `h${i}`], 'ham');
    const doc = ['council', 'zebra'];
    expect(scoreLogOdds(doc, b.counts, b.stats).score!).toBeCloseTo(scoreLogOdds(doc, a.counts, a.stats).score!, 5);
  });
});

describe('scoreTwoOpinions', () => {
  const doc = (body: string) => ({ name: 'Sam', email: 'sam@example.org', website: null, body });
  function trained(): MemoryModel {
    const m = new MemoryModel();
    for (let i = 0; i < 30; i++) {
      m.train(tokenize(doc(`URGENT! You have WON a £${900 + i} prize. Txt CLAIM to 8${7000 + i} now, 150p/msg`)), 'spam');
      m.train(tokenize(doc(`see you at the match on ${['friday', 'saturday', 'sunday'][i % 3]}, I will bring the tickets ${i}`)), 'ham');
    }
    return m;
  }

  test('the spam score is the word features alone: the character trigrams never move it', () => {
    const m = trained();
    const tokens = tokenize(doc('You have WON a prize, txt CLAIM now'));
    const both = scoreTwoOpinions(tokens, m.counts, m.stats, isCharGram);
    const words = scoreLogOdds(tokens.filter((t) => !isCharGram(t)), m.counts, m.stats);
    expect(both.score).toBe(words.score);
    expect(both.clues).toBe(words.clues);
  });

  test('the second opinion sees spelling the words miss: new words, familiar pieces', () => {
    const m = trained();
    // No word of it was decided, but "£9..", "150p/msg", "txt" and capitals were.
    const campaign = scoreTwoOpinions(tokenize(doc('Txt RINGTONE to 87555, £950 bonus, 150p/msg')), m.counts, m.stats, isCharGram);
    const reader = scoreTwoOpinions(tokenize(doc('see you at the game, I will bring the tickets')), m.counts, m.stats, isCharGram);
    expect(campaign.charEvidence!).toBeGreaterThan(0);
    expect(reader.charEvidence!).toBeLessThan(0);
  });

  test('no opinion at all while the model knows too little', () => {
    const m = new MemoryModel();
    m.train(tokenize(doc('Txt WIN now')), 'spam');
    expect(scoreTwoOpinions(tokenize(doc('Txt WIN now')), m.counts, m.stats, isCharGram)).toMatchObject({ score: null, charEvidence: null });
  });
});
