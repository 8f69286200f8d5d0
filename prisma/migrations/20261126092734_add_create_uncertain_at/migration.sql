-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "createUncertainAt" TIMESTAMP(3);

