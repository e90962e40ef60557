import { SINERGI } from '@sinergi/common';
import { NestFactory } from '@nestjs/core';
console.log(SINERGI, typeof NestFactory);
