#!/usr/bin/env node
'use strict';
require('../dist/src/harness/cli.js').main(process.argv.slice(2));
