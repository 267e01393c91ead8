import { crossCheckCardTemplates } from '../../src/views/cards';

// Every card a test renders is also bound by adaptivecards-templating, the reference for the compiled
// templates (src/views/card-template.ts); any difference fails the test that rendered it.
crossCheckCardTemplates(true);
