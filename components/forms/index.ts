export { Form, FormError, useFormContext, type FormProps, type FormValues } from './form';
export { CheckboxField, SelectField, TextAreaField, TextField } from './fields';
export type { CheckboxFieldProps, SelectFieldProps, TextAreaFieldProps, TextFieldProps } from './fields';
export { SubmitButton, type SubmitButtonProps } from './submit-button';
