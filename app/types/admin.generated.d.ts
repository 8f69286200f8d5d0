/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type OrderSummaryQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type OrderSummaryQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'legacyResourceId' | 'name' | 'displayFinancialStatus'>
    & { totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
  )> };

export type DeleteInvoiceMetafieldMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldIdentifierInput> | AdminTypes.MetafieldIdentifierInput;
}>;


export type DeleteInvoiceMetafieldMutation = { metafieldsDelete?: AdminTypes.Maybe<{ deletedMetafields?: AdminTypes.Maybe<Array<AdminTypes.Maybe<Pick<AdminTypes.MetafieldIdentifier, 'ownerId' | 'namespace' | 'key'>>>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type TagsRemoveMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type TagsRemoveMutation = { tagsRemove?: AdminTypes.Maybe<{ userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type PaidOrderIdsSinceQueryVariables = AdminTypes.Exact<{
  first: AdminTypes.Scalars['Int']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  query: AdminTypes.Scalars['String']['input'];
  sortKey?: AdminTypes.InputMaybe<AdminTypes.OrderSortKeys>;
}>;


export type PaidOrderIdsSinceQuery = { orders: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<Pick<AdminTypes.Order, 'id' | 'legacyResourceId' | 'name' | 'updatedAt' | 'processedAt'>> } };

export type MoneyFragment = { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> };

export type AddressFragment = Pick<AdminTypes.MailingAddress, 'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'province' | 'provinceCode' | 'zip' | 'country' | 'countryCodeV2' | 'phone'>;

export type TaxLineFieldsFragment = (
  Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
  & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
);

type DiscountApplicationFields_AutomaticDiscountApplication_Fragment = (
  { __typename: 'AutomaticDiscountApplication' }
  & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
  & { value: (
    { __typename: 'MoneyV2' }
    & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
  ) | (
    { __typename: 'PricingPercentageValue' }
    & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
  ) }
);

type DiscountApplicationFields_DiscountCodeApplication_Fragment = (
  { __typename: 'DiscountCodeApplication' }
  & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
  & { value: (
    { __typename: 'MoneyV2' }
    & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
  ) | (
    { __typename: 'PricingPercentageValue' }
    & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
  ) }
);

type DiscountApplicationFields_ManualDiscountApplication_Fragment = (
  { __typename: 'ManualDiscountApplication' }
  & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
  & { value: (
    { __typename: 'MoneyV2' }
    & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
  ) | (
    { __typename: 'PricingPercentageValue' }
    & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
  ) }
);

type DiscountApplicationFields_ScriptDiscountApplication_Fragment = (
  { __typename: 'ScriptDiscountApplication' }
  & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
  & { value: (
    { __typename: 'MoneyV2' }
    & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
  ) | (
    { __typename: 'PricingPercentageValue' }
    & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
  ) }
);

export type DiscountApplicationFieldsFragment = DiscountApplicationFields_AutomaticDiscountApplication_Fragment | DiscountApplicationFields_DiscountCodeApplication_Fragment | DiscountApplicationFields_ManualDiscountApplication_Fragment | DiscountApplicationFields_ScriptDiscountApplication_Fragment;

export type DiscountAllocationFieldsFragment = { allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountApplication: (
    { __typename: 'AutomaticDiscountApplication' }
    & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
    & { value: (
      { __typename: 'MoneyV2' }
      & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
    ) | (
      { __typename: 'PricingPercentageValue' }
      & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
    ) }
  ) | (
    { __typename: 'DiscountCodeApplication' }
    & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
    & { value: (
      { __typename: 'MoneyV2' }
      & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
    ) | (
      { __typename: 'PricingPercentageValue' }
      & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
    ) }
  ) | (
    { __typename: 'ManualDiscountApplication' }
    & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
    & { value: (
      { __typename: 'MoneyV2' }
      & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
    ) | (
      { __typename: 'PricingPercentageValue' }
      & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
    ) }
  ) | (
    { __typename: 'ScriptDiscountApplication' }
    & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
    & { value: (
      { __typename: 'MoneyV2' }
      & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
    ) | (
      { __typename: 'PricingPercentageValue' }
      & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
    ) }
  ) };

export type PaidOrderFragment = (
  Pick<AdminTypes.Order, 'id' | 'legacyResourceId' | 'name' | 'createdAt' | 'processedAt' | 'updatedAt' | 'displayFinancialStatus' | 'cancelledAt' | 'test' | 'currencyCode' | 'presentmentCurrencyCode' | 'taxesIncluded' | 'taxExempt' | 'email' | 'phone' | 'note' | 'tags'>
  & { customer?: AdminTypes.Maybe<(
    Pick<AdminTypes.Customer, 'id' | 'firstName' | 'lastName' | 'displayName'>
    & { defaultEmailAddress?: AdminTypes.Maybe<Pick<AdminTypes.CustomerEmailAddress, 'emailAddress'>>, defaultPhoneNumber?: AdminTypes.Maybe<Pick<AdminTypes.CustomerPhoneNumber, 'phoneNumber'>> }
  )>, billingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'province' | 'provinceCode' | 'zip' | 'country' | 'countryCodeV2' | 'phone'>>, shippingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'province' | 'provinceCode' | 'zip' | 'country' | 'countryCodeV2' | 'phone'>>, lineItems: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
      Pick<AdminTypes.LineItem, 'id' | 'name' | 'title' | 'sku' | 'variantTitle' | 'quantity' | 'currentQuantity' | 'taxable' | 'isGiftCard' | 'requiresShipping'>
      & { originalUnitPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountedTotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalDiscountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountAllocations: Array<{ allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountApplication: (
          { __typename: 'AutomaticDiscountApplication' }
          & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'DiscountCodeApplication' }
          & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'ManualDiscountApplication' }
          & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'ScriptDiscountApplication' }
          & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) }>, taxLines: Array<(
        Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
        & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
      )> }
    )> }, shippingLines: { nodes: Array<(
      Pick<AdminTypes.ShippingLine, 'title' | 'code'>
      & { originalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountedPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountAllocations: Array<{ allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountApplication: (
          { __typename: 'AutomaticDiscountApplication' }
          & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'DiscountCodeApplication' }
          & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'ManualDiscountApplication' }
          & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) | (
          { __typename: 'ScriptDiscountApplication' }
          & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
          & { value: (
            { __typename: 'MoneyV2' }
            & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
          ) | (
            { __typename: 'PricingPercentageValue' }
            & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
          ) }
        ) }>, taxLines: Array<(
        Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
        & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
      )> }
    )> }, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, subtotalPriceSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalTaxSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalDiscountsSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalShippingPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, currentTotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalTipReceivedSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, taxLines: Array<(
    Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
    & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
  )>, discountApplications: { nodes: Array<(
      { __typename: 'AutomaticDiscountApplication' }
      & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
      & { value: (
        { __typename: 'MoneyV2' }
        & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
      ) | (
        { __typename: 'PricingPercentageValue' }
        & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
      ) }
    ) | (
      { __typename: 'DiscountCodeApplication' }
      & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
      & { value: (
        { __typename: 'MoneyV2' }
        & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
      ) | (
        { __typename: 'PricingPercentageValue' }
        & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
      ) }
    ) | (
      { __typename: 'ManualDiscountApplication' }
      & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
      & { value: (
        { __typename: 'MoneyV2' }
        & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
      ) | (
        { __typename: 'PricingPercentageValue' }
        & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
      ) }
    ) | (
      { __typename: 'ScriptDiscountApplication' }
      & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
      & { value: (
        { __typename: 'MoneyV2' }
        & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
      ) | (
        { __typename: 'PricingPercentageValue' }
        & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
      ) }
    )> }, zohoInvoice?: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'id' | 'namespace' | 'key' | 'type' | 'value'>> }
);

export type PaidOrderQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type PaidOrderQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'legacyResourceId' | 'name' | 'createdAt' | 'processedAt' | 'updatedAt' | 'displayFinancialStatus' | 'cancelledAt' | 'test' | 'currencyCode' | 'presentmentCurrencyCode' | 'taxesIncluded' | 'taxExempt' | 'email' | 'phone' | 'note' | 'tags'>
    & { customer?: AdminTypes.Maybe<(
      Pick<AdminTypes.Customer, 'id' | 'firstName' | 'lastName' | 'displayName'>
      & { defaultEmailAddress?: AdminTypes.Maybe<Pick<AdminTypes.CustomerEmailAddress, 'emailAddress'>>, defaultPhoneNumber?: AdminTypes.Maybe<Pick<AdminTypes.CustomerPhoneNumber, 'phoneNumber'>> }
    )>, billingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'province' | 'provinceCode' | 'zip' | 'country' | 'countryCodeV2' | 'phone'>>, shippingAddress?: AdminTypes.Maybe<Pick<AdminTypes.MailingAddress, 'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'province' | 'provinceCode' | 'zip' | 'country' | 'countryCodeV2' | 'phone'>>, lineItems: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
        Pick<AdminTypes.LineItem, 'id' | 'name' | 'title' | 'sku' | 'variantTitle' | 'quantity' | 'currentQuantity' | 'taxable' | 'isGiftCard' | 'requiresShipping'>
        & { originalUnitPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountedTotalSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalDiscountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountAllocations: Array<{ allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountApplication: (
            { __typename: 'AutomaticDiscountApplication' }
            & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'DiscountCodeApplication' }
            & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'ManualDiscountApplication' }
            & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'ScriptDiscountApplication' }
            & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) }>, taxLines: Array<(
          Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
          & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
        )> }
      )> }, shippingLines: { nodes: Array<(
        Pick<AdminTypes.ShippingLine, 'title' | 'code'>
        & { originalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountedPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountAllocations: Array<{ allocatedAmountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, discountApplication: (
            { __typename: 'AutomaticDiscountApplication' }
            & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'DiscountCodeApplication' }
            & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'ManualDiscountApplication' }
            & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) | (
            { __typename: 'ScriptDiscountApplication' }
            & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
            & { value: (
              { __typename: 'MoneyV2' }
              & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
            ) | (
              { __typename: 'PricingPercentageValue' }
              & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
            ) }
          ) }>, taxLines: Array<(
          Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
          & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
        )> }
      )> }, totalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, subtotalPriceSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalTaxSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalDiscountsSet?: AdminTypes.Maybe<{ shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }>, totalShippingPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, currentTotalPriceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, totalTipReceivedSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, taxLines: Array<(
      Pick<AdminTypes.TaxLine, 'title' | 'rate' | 'ratePercentage'>
      & { priceSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, presentmentMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> } }
    )>, discountApplications: { nodes: Array<(
        { __typename: 'AutomaticDiscountApplication' }
        & Pick<AdminTypes.AutomaticDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
        & { value: (
          { __typename: 'MoneyV2' }
          & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
        ) | (
          { __typename: 'PricingPercentageValue' }
          & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
        ) }
      ) | (
        { __typename: 'DiscountCodeApplication' }
        & Pick<AdminTypes.DiscountCodeApplication, 'code' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
        & { value: (
          { __typename: 'MoneyV2' }
          & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
        ) | (
          { __typename: 'PricingPercentageValue' }
          & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
        ) }
      ) | (
        { __typename: 'ManualDiscountApplication' }
        & Pick<AdminTypes.ManualDiscountApplication, 'title' | 'description' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
        & { value: (
          { __typename: 'MoneyV2' }
          & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
        ) | (
          { __typename: 'PricingPercentageValue' }
          & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
        ) }
      ) | (
        { __typename: 'ScriptDiscountApplication' }
        & Pick<AdminTypes.ScriptDiscountApplication, 'title' | 'allocationMethod' | 'targetSelection' | 'targetType' | 'index'>
        & { value: (
          { __typename: 'MoneyV2' }
          & Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>
        ) | (
          { __typename: 'PricingPercentageValue' }
          & Pick<AdminTypes.PricingPercentageValue, 'percentage'>
        ) }
      )> }, zohoInvoice?: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'id' | 'namespace' | 'key' | 'type' | 'value'>> }
  )> };

export type ShopInfoQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopInfoQuery = { shop: Pick<AdminTypes.Shop, 'ianaTimezone' | 'currencyCode' | 'name'> };

export type SetInvoiceMetafieldMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type SetInvoiceMetafieldMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'id' | 'namespace' | 'key' | 'type' | 'value' | 'updatedAt'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code' | 'elementIndex'>> }> };

export type TagsAddMutationVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  tags: Array<AdminTypes.Scalars['String']['input']> | AdminTypes.Scalars['String']['input'];
}>;


export type TagsAddMutation = { tagsAdd?: AdminTypes.Maybe<{ node?: AdminTypes.Maybe<Pick<AdminTypes.AbandonedCheckout, 'id'> | Pick<AdminTypes.AbandonedCheckoutLineItem, 'id'> | Pick<AdminTypes.Abandonment, 'id'> | Pick<AdminTypes.AddAllProductsOperation, 'id'> | Pick<AdminTypes.AdditionalFee, 'id'> | Pick<AdminTypes.App, 'id'> | Pick<AdminTypes.AppCatalog, 'id'> | Pick<AdminTypes.AppCredit, 'id'> | Pick<AdminTypes.AppInstallation, 'id'> | Pick<AdminTypes.AppPurchaseOneTime, 'id'> | Pick<AdminTypes.AppRevenueAttributionRecord, 'id'> | Pick<AdminTypes.AppSubscription, 'id'> | Pick<AdminTypes.AppUsageRecord, 'id'> | Pick<AdminTypes.Article, 'id'> | Pick<AdminTypes.BasicEvent, 'id'> | Pick<AdminTypes.Blog, 'id'> | Pick<AdminTypes.BulkOperation, 'id'> | Pick<AdminTypes.BusinessEntity, 'id'> | Pick<AdminTypes.CalculatedOrder, 'id'> | Pick<AdminTypes.CartTransform, 'id'> | Pick<AdminTypes.CashDrawer, 'id'> | Pick<AdminTypes.CashManagementCustomReasonCode, 'id'> | Pick<AdminTypes.CashManagementDefaultReasonCode, 'id'> | Pick<AdminTypes.CashManagementSystemReasonCode, 'id'> | Pick<AdminTypes.CashTrackingAdjustment, 'id'> | Pick<AdminTypes.CashTrackingSession, 'id'> | Pick<AdminTypes.CatalogCsvOperation, 'id'> | Pick<AdminTypes.Channel, 'id'> | Pick<AdminTypes.ChannelDefinition, 'id'> | Pick<AdminTypes.ChannelInformation, 'id'> | Pick<AdminTypes.CheckoutAndAccountsConfiguration, 'id'> | Pick<AdminTypes.CheckoutAndAccountsConfigurationOverride, 'id'> | Pick<AdminTypes.CheckoutProfile, 'id'> | Pick<AdminTypes.Collection, 'id'> | Pick<AdminTypes.Comment, 'id'> | Pick<AdminTypes.CommentEvent, 'id'> | Pick<AdminTypes.Company, 'id'> | Pick<AdminTypes.CompanyAddress, 'id'> | Pick<AdminTypes.CompanyContact, 'id'> | Pick<AdminTypes.CompanyContactRole, 'id'> | Pick<AdminTypes.CompanyContactRoleAssignment, 'id'> | Pick<AdminTypes.CompanyLocation, 'id'> | Pick<AdminTypes.CompanyLocationCatalog, 'id'> | Pick<AdminTypes.CompanyLocationStaffMemberAssignment, 'id'> | Pick<AdminTypes.ConsentPolicy, 'id'> | Pick<AdminTypes.CurrencyExchangeAdjustment, 'id'> | Pick<AdminTypes.Customer, 'id'> | Pick<AdminTypes.CustomerAccountAppExtensionPage, 'id'> | Pick<AdminTypes.CustomerAccountNativePage, 'id'> | Pick<AdminTypes.CustomerPaymentMethod, 'id'> | Pick<AdminTypes.CustomerSegmentMembersQuery, 'id'> | Pick<AdminTypes.CustomerVisit, 'id'> | Pick<AdminTypes.DeliveryCarrierService, 'id'> | Pick<AdminTypes.DeliveryCondition, 'id'> | Pick<AdminTypes.DeliveryCountry, 'id'> | Pick<AdminTypes.DeliveryCustomization, 'id'> | Pick<AdminTypes.DeliveryLocationGroup, 'id'> | Pick<AdminTypes.DeliveryMethod, 'id'> | Pick<AdminTypes.DeliveryMethodDefinition, 'id'> | Pick<AdminTypes.DeliveryParticipant, 'id'> | Pick<AdminTypes.DeliveryProfile, 'id'> | Pick<AdminTypes.DeliveryProfileItem, 'id'> | Pick<AdminTypes.DeliveryPromiseParticipant, 'id'> | Pick<AdminTypes.DeliveryPromiseProvider, 'id'> | Pick<AdminTypes.DeliveryProvince, 'id'> | Pick<AdminTypes.DeliveryRateDefinition, 'id'> | Pick<AdminTypes.DeliveryZone, 'id'> | Pick<AdminTypes.DiscountAutomaticBxgy, 'id'> | Pick<AdminTypes.DiscountAutomaticNode, 'id'> | Pick<AdminTypes.DiscountCodeNode, 'id'> | Pick<AdminTypes.DiscountNode, 'id'> | Pick<AdminTypes.DiscountRedeemCodeBulkCreation, 'id'> | Pick<AdminTypes.Domain, 'id'> | Pick<AdminTypes.DraftOrder, 'id'> | Pick<AdminTypes.DraftOrderLineItem, 'id'> | Pick<AdminTypes.DraftOrderTag, 'id'> | Pick<AdminTypes.Duty, 'id'> | Pick<AdminTypes.ExchangeLineItem, 'id'> | Pick<AdminTypes.ExchangeV2, 'id'> | Pick<AdminTypes.ExternalVideo, 'id'> | Pick<AdminTypes.Fulfillment, 'id'> | Pick<AdminTypes.FulfillmentConstraintRule, 'id'> | Pick<AdminTypes.FulfillmentEvent, 'id'> | Pick<AdminTypes.FulfillmentHold, 'id'> | Pick<AdminTypes.FulfillmentLineItem, 'id'> | Pick<AdminTypes.FulfillmentOrder, 'id'> | Pick<AdminTypes.FulfillmentOrderDestination, 'id'> | Pick<AdminTypes.FulfillmentOrderLineItem, 'id'> | Pick<AdminTypes.FulfillmentOrderMerchantRequest, 'id'> | Pick<AdminTypes.GenericFile, 'id'> | Pick<AdminTypes.GiftCard, 'id'> | Pick<AdminTypes.GiftCardCreditTransaction, 'id'> | Pick<AdminTypes.GiftCardDebitTransaction, 'id'> | Pick<AdminTypes.InventoryAdjustmentGroup, 'id'> | Pick<AdminTypes.InventoryItem, 'id'> | Pick<AdminTypes.InventoryItemMeasurement, 'id'> | Pick<AdminTypes.InventoryLevel, 'id'> | Pick<AdminTypes.InventoryQuantity, 'id'> | Pick<AdminTypes.InventoryShipment, 'id'> | Pick<AdminTypes.InventoryShipmentLineItem, 'id'> | Pick<AdminTypes.InventoryTransfer, 'id'> | Pick<AdminTypes.InventoryTransferLineItem, 'id'> | Pick<AdminTypes.LineItem, 'id'> | Pick<AdminTypes.LineItemGroup, 'id'> | Pick<AdminTypes.Location, 'id'> | Pick<AdminTypes.MailingAddress, 'id'> | Pick<AdminTypes.Market, 'id'> | Pick<AdminTypes.MarketCatalog, 'id'> | Pick<AdminTypes.MarketRegionCountry, 'id'> | Pick<AdminTypes.MarketWebPresence, 'id'> | Pick<AdminTypes.MarketingActivity, 'id'> | Pick<AdminTypes.MarketingEvent, 'id'> | Pick<AdminTypes.MediaImage, 'id'> | Pick<AdminTypes.Menu, 'id'> | Pick<AdminTypes.Metafield, 'id'> | Pick<AdminTypes.MetafieldDefinition, 'id'> | Pick<AdminTypes.Metaobject, 'id'> | Pick<AdminTypes.MetaobjectDefinition, 'id'> | Pick<AdminTypes.Model3d, 'id'> | Pick<AdminTypes.OnlineStoreTheme, 'id'> | Pick<AdminTypes.Order, 'id'> | Pick<AdminTypes.OrderAdjustment, 'id'> | Pick<AdminTypes.OrderDisputeSummary, 'id'> | Pick<AdminTypes.OrderEditSession, 'id'> | Pick<AdminTypes.OrderTransaction, 'id'> | Pick<AdminTypes.Page, 'id'> | Pick<AdminTypes.PaymentCustomization, 'id'> | Pick<AdminTypes.PaymentMandate, 'id'> | Pick<AdminTypes.PaymentSchedule, 'id'> | Pick<AdminTypes.PaymentTerms, 'id'> | Pick<AdminTypes.PaymentTermsTemplate, 'id'> | Pick<AdminTypes.PointOfSaleDevice, 'id'> | Pick<AdminTypes.PointOfSaleDevicePaymentSession, 'id'> | Pick<AdminTypes.PriceList, 'id'> | Pick<AdminTypes.PriceRule, 'id'> | Pick<AdminTypes.PriceRuleDiscountCode, 'id'> | Pick<AdminTypes.Product, 'id'> | Pick<AdminTypes.ProductBundleOperation, 'id'> | Pick<AdminTypes.ProductDeleteOperation, 'id'> | Pick<AdminTypes.ProductDuplicateOperation, 'id'> | Pick<AdminTypes.ProductFeed, 'id'> | Pick<AdminTypes.ProductOption, 'id'> | Pick<AdminTypes.ProductOptionValue, 'id'> | Pick<AdminTypes.ProductSetOperation, 'id'> | Pick<AdminTypes.ProductTaxonomyNode, 'id'> | Pick<AdminTypes.ProductVariant, 'id'> | Pick<AdminTypes.ProductVariantComponent, 'id'> | Pick<AdminTypes.Publication, 'id'> | Pick<AdminTypes.PublicationResourceOperation, 'id'> | Pick<AdminTypes.QuantityPriceBreak, 'id'> | Pick<AdminTypes.Refund, 'id'> | Pick<AdminTypes.RefundShippingLine, 'id'> | Pick<AdminTypes.Return, 'id'> | Pick<AdminTypes.ReturnLineItem, 'id'> | Pick<AdminTypes.ReturnReasonDefinition, 'id'> | Pick<AdminTypes.ReturnableFulfillment, 'id'> | Pick<AdminTypes.ReverseDelivery, 'id'> | Pick<AdminTypes.ReverseDeliveryLineItem, 'id'> | Pick<AdminTypes.ReverseFulfillmentOrder, 'id'> | Pick<AdminTypes.ReverseFulfillmentOrderDisposition, 'id'> | Pick<AdminTypes.ReverseFulfillmentOrderLineItem, 'id'> | Pick<AdminTypes.SaleAdditionalFee, 'id'> | Pick<AdminTypes.SavedSearch, 'id'> | Pick<AdminTypes.ScriptTag, 'id'> | Pick<AdminTypes.Segment, 'id'> | Pick<AdminTypes.SellingPlan, 'id'> | Pick<AdminTypes.SellingPlanGroup, 'id'> | Pick<AdminTypes.ServerPixel, 'id'> | Pick<AdminTypes.Shop, 'id'> | Pick<AdminTypes.ShopAddress, 'id'> | Pick<AdminTypes.ShopPolicy, 'id'> | Pick<AdminTypes.ShopifyPaymentsAccount, 'id'> | Pick<AdminTypes.ShopifyPaymentsBalanceTransaction, 'id'> | Pick<AdminTypes.ShopifyPaymentsBankAccount, 'id'> | Pick<AdminTypes.ShopifyPaymentsDispute, 'id'> | Pick<AdminTypes.ShopifyPaymentsDisputeEvidence, 'id'> | Pick<AdminTypes.ShopifyPaymentsDisputeFileUpload, 'id'> | Pick<AdminTypes.ShopifyPaymentsDisputeFulfillment, 'id'> | Pick<AdminTypes.ShopifyPaymentsPayout, 'id'> | Pick<AdminTypes.StaffMember, 'id'> | Pick<AdminTypes.StandardMetafieldDefinitionTemplate, 'id'> | Pick<AdminTypes.StoreCreditAccount, 'id'> | Pick<AdminTypes.StoreCreditAccountCreditTransaction, 'id'> | Pick<AdminTypes.StoreCreditAccountDebitRevertTransaction, 'id'> | Pick<AdminTypes.StoreCreditAccountDebitTransaction, 'id'> | Pick<AdminTypes.StorefrontAccessToken, 'id'> | Pick<AdminTypes.SubscriptionBillingAttempt, 'id'> | Pick<AdminTypes.SubscriptionContract, 'id'> | Pick<AdminTypes.SubscriptionDraft, 'id'> | Pick<AdminTypes.TaxonomyAttribute, 'id'> | Pick<AdminTypes.TaxonomyCategory, 'id'> | Pick<AdminTypes.TaxonomyChoiceListAttribute, 'id'> | Pick<AdminTypes.TaxonomyMeasurementAttribute, 'id'> | Pick<AdminTypes.TaxonomyValue, 'id'> | Pick<AdminTypes.TenderTransaction, 'id'> | Pick<AdminTypes.TransactionFee, 'id'> | Pick<AdminTypes.UnverifiedReturnLineItem, 'id'> | Pick<AdminTypes.UrlRedirect, 'id'> | Pick<AdminTypes.UrlRedirectImport, 'id'> | Pick<AdminTypes.Validation, 'id'> | Pick<AdminTypes.Video, 'id'> | Pick<AdminTypes.WebPixel, 'id'> | Pick<AdminTypes.WebhookSubscription, 'id'>>, userErrors: Array<Pick<AdminTypes.UserError, 'field' | 'message'>> }> };

export type ShopContactEmailQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type ShopContactEmailQuery = { shop: Pick<AdminTypes.Shop, 'email'> };

interface GeneratedQueryTypes {
  "#graphql\n  query OrderSummary($id: ID!) {\n    order(id: $id) {\n      id\n      legacyResourceId\n      name\n      displayFinancialStatus\n      totalPriceSet {\n        shopMoney {\n          amount\n          currencyCode\n        }\n      }\n    }\n  }\n": {return: OrderSummaryQuery, variables: OrderSummaryQueryVariables},
  "#graphql\n  query PaidOrderIdsSince($first: Int!, $after: String, $query: String!, $sortKey: OrderSortKeys = UPDATED_AT) {\n    orders(first: $first, after: $after, query: $query, sortKey: $sortKey) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        legacyResourceId\n        name\n        updatedAt\n        processedAt\n      }\n    }\n  }\n": {return: PaidOrderIdsSinceQuery, variables: PaidOrderIdsSinceQueryVariables},
  "#graphql\n  query PaidOrder($id: ID!) {\n    order(id: $id) {\n      ...PaidOrder\n    }\n  }\n  #graphql\n  fragment PaidOrder on Order {\n    id\n    legacyResourceId\n    name\n    createdAt\n    processedAt\n    updatedAt\n    displayFinancialStatus\n    cancelledAt\n    test\n    currencyCode\n    presentmentCurrencyCode\n    taxesIncluded\n    taxExempt\n    email\n    phone\n    note\n    tags\n    customer {\n      id\n      firstName\n      lastName\n      displayName\n      defaultEmailAddress {\n        emailAddress\n      }\n      defaultPhoneNumber {\n        phoneNumber\n      }\n    }\n    billingAddress {\n      ...Address\n    }\n    shippingAddress {\n      ...Address\n    }\n    lineItems(first: 250) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        title\n        sku\n        variantTitle\n        quantity\n        currentQuantity\n        taxable\n        isGiftCard\n        requiresShipping\n        originalUnitPriceSet {\n          ...Money\n        }\n        discountedTotalSet {\n          ...Money\n        }\n        totalDiscountSet {\n          ...Money\n        }\n        discountAllocations {\n          ...DiscountAllocationFields\n        }\n        taxLines {\n          ...TaxLineFields\n        }\n      }\n    }\n    shippingLines(first: 20) {\n      nodes {\n        title\n        code\n        originalPriceSet {\n          ...Money\n        }\n        discountedPriceSet {\n          ...Money\n        }\n        discountAllocations {\n          ...DiscountAllocationFields\n        }\n        taxLines {\n          ...TaxLineFields\n        }\n      }\n    }\n    totalPriceSet {\n      ...Money\n    }\n    subtotalPriceSet {\n      ...Money\n    }\n    totalTaxSet {\n      ...Money\n    }\n    totalDiscountsSet {\n      ...Money\n    }\n    totalShippingPriceSet {\n      ...Money\n    }\n    currentTotalPriceSet {\n      ...Money\n    }\n    totalTipReceivedSet {\n      ...Money\n    }\n    taxLines {\n      ...TaxLineFields\n    }\n    discountApplications(first: 20) {\n      nodes {\n        ...DiscountApplicationFields\n      }\n    }\n    zohoInvoice: metafield(namespace: \"$app\", key: \"zoho_invoice\") {\n      id\n      namespace\n      key\n      type\n      value\n    }\n  }\n\n  #graphql\n  fragment Address on MailingAddress {\n    firstName\n    lastName\n    company\n    address1\n    address2\n    city\n    province\n    provinceCode\n    zip\n    country\n    countryCodeV2\n    phone\n  }\n\n  #graphql\n  fragment TaxLineFields on TaxLine {\n    title\n    rate\n    ratePercentage\n    priceSet {\n      ...Money\n    }\n  }\n\n  #graphql\n  fragment DiscountAllocationFields on DiscountAllocation {\n    allocatedAmountSet {\n      ...Money\n    }\n    discountApplication {\n      ...DiscountApplicationFields\n    }\n  }\n\n  #graphql\n  fragment DiscountApplicationFields on DiscountApplication {\n    __typename\n    allocationMethod\n    targetSelection\n    targetType\n    index\n    value {\n      __typename\n      ... on MoneyV2 {\n        amount\n        currencyCode\n      }\n      ... on PricingPercentageValue {\n        percentage\n      }\n    }\n    ... on DiscountCodeApplication {\n      code\n    }\n    ... on ManualDiscountApplication {\n      title\n      description\n    }\n    ... on AutomaticDiscountApplication {\n      title\n    }\n    ... on ScriptDiscountApplication {\n      title\n    }\n  }\n\n  #graphql\n  fragment Money on MoneyBag {\n    shopMoney {\n      amount\n      currencyCode\n    }\n    presentmentMoney {\n      amount\n      currencyCode\n    }\n  }\n\n": {return: PaidOrderQuery, variables: PaidOrderQueryVariables},
  "#graphql\n  query ShopInfo {\n    shop {\n      ianaTimezone\n      currencyCode\n      name\n    }\n  }\n": {return: ShopInfoQuery, variables: ShopInfoQueryVariables},
  "#graphql\n  query ShopContactEmail {\n    shop {\n      email\n    }\n  }\n": {return: ShopContactEmailQuery, variables: ShopContactEmailQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation DeleteInvoiceMetafield($metafields: [MetafieldIdentifierInput!]!) {\n    metafieldsDelete(metafields: $metafields) {\n      deletedMetafields {\n        ownerId\n        namespace\n        key\n      }\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: DeleteInvoiceMetafieldMutation, variables: DeleteInvoiceMetafieldMutationVariables},
  "#graphql\n  mutation TagsRemove($id: ID!, $tags: [String!]!) {\n    tagsRemove(id: $id, tags: $tags) {\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: TagsRemoveMutation, variables: TagsRemoveMutationVariables},
  "#graphql\n  mutation SetInvoiceMetafield($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields {\n        id\n        namespace\n        key\n        type\n        value\n        updatedAt\n      }\n      userErrors {\n        field\n        message\n        code\n        elementIndex\n      }\n    }\n  }\n": {return: SetInvoiceMetafieldMutation, variables: SetInvoiceMetafieldMutationVariables},
  "#graphql\n  mutation TagsAdd($id: ID!, $tags: [String!]!) {\n    tagsAdd(id: $id, tags: $tags) {\n      node {\n        id\n      }\n      userErrors {\n        field\n        message\n      }\n    }\n  }\n": {return: TagsAddMutation, variables: TagsAddMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
